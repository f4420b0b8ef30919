import type { Database } from '../../db/client';
import { createUnitOfWork } from '../../workflows/core/unit-of-work';

/** A unit of work whose commits reach no queue, for tests that fire timers or send by hand. */
export const unitOfWorkWithoutQueue = (db: Database) =>
  createUnitOfWork(db, {
    timersScheduled: async () => {},
    noticesQueued: async () => {},
  });
