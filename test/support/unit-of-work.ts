import type { Database } from '../../db/client';
import { createUnitOfWork, type ScheduledTimer } from '../../workflows/core/unit-of-work';

/**
 * A unit of work whose commits reach no queue, for tests that fire timers or send by hand; the
 * timers it scheduled are handed to `onTimers` when a test wants to see them.
 */
export const unitOfWorkWithoutQueue = (db: Database, onTimers?: (scheduled: ScheduledTimer[]) => void) =>
  createUnitOfWork(db, {
    timersScheduled: async (scheduled) => onTimers?.(scheduled),
    noticesQueued: async () => {},
  });
