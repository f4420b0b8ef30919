import { DomainError } from '../core/errors';

/** A refusal about an issue; `field` names the form field it is about, when there is one. */
export class IssueError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
  }
}
