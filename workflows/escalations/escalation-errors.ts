import { DomainError } from '../core/errors';

/** Stable codes: adapters turn them into a private answer, job processors into "do not retry". */
export type EscalationErrorCode =
  | 'not_in_directory'
  | 'unknown_relationship'
  | 'choose_relationship'
  | 'invalid_input'
  | 'unknown_goal'
  | 'no_escalation_plan'
  | 'unknown_escalation'
  | 'not_allowed'
  | 'unknown_person';

export class EscalationError extends DomainError {
  constructor(
    override readonly code: EscalationErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
  }
}
