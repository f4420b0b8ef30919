import { DomainError } from '../core/errors';

/** Stable codes: adapters turn them into a private answer. */
export type GoalErrorCode =
  | 'not_in_directory'
  | 'unknown_relationship'
  | 'invalid_input'
  | 'unknown_goal'
  | 'ambiguous_goal'
  | 'not_allowed'
  | 'goal_closed';

export class GoalError extends DomainError {
  constructor(
    override readonly code: GoalErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
  }
}
