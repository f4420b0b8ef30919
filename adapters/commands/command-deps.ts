import type { Database } from '../../db/client';
import type { Clock } from '../../workflows/core/clock';
import { DomainError } from '../../workflows/core/errors';
import type { UnitOfWork } from '../../workflows/core/unit-of-work';

/** What a platform's command handlers need to run use cases. */
export type CommandDeps = {
  db: Database;
  unitOfWork: UnitOfWork;
  clock: Clock;
  logError: (error: unknown) => void;
};

/** What a domain refusal says to the person; anything else is our fault, logged, and apologised for. */
export function explain(error: unknown, deps: Pick<CommandDeps, 'logError'>): string {
  if (error instanceof DomainError) return error.message;
  deps.logError(error);
  return 'Sorry, something went wrong on our side and nothing was changed. Please try again in a moment.';
}

/** Said to someone the governance file does not name, on any platform. */
export const notInDirectory = (platformUser: string) =>
  `You are not in the governance directory of any relationship, so nothing was stored. Ask your administrator to add your ${platformUser} to the governance file.`;
