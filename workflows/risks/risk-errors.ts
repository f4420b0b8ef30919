import { DomainError } from '../core/errors';

/** Stable codes: adapters turn them into a private answer, job processors into "do not retry". */
export type RiskErrorCode =
  | 'not_in_directory'
  | 'unknown_relationship'
  | 'invalid_input'
  | 'unknown_person'
  | 'unknown_risk'
  | 'risk_closed'
  | 'not_allowed';

/** A refusal; `field` names the form field it is about, so forms can show it there. */
export class RiskError extends DomainError {
  constructor(
    override readonly code: RiskErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
  }
}
