/** A domain rule said no. The code is stable: adapters and job processors switch on it. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
