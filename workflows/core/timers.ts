import { and, eq, isNull } from 'drizzle-orm';
import { timers } from '../../db/schema/jobs';
import type { Clock } from './clock';
import type { UnitOfWork, Work } from './unit-of-work';

export type DueTimer = {
  id: string;
  name: string;
  relationshipId: string | null;
  payload: Record<string, unknown>;
  dueAt: Date;
};

/** A timer's domain command. It runs in the same transaction that marks the timer fired. */
export type TimerHandler = (timer: DueTimer, work: Work) => Promise<void>;

export type FireOutcome = 'fired' | 'not_pending' | 'not_due' | 'no_handler';

/**
 * Fires a timer once: locks its row, checks it is still pending and due (a moved timer leaves an
 * early job behind, which finds it not due), runs its handler and marks it fired, all in one
 * transaction. A second delivery of the same job finds it fired and does nothing.
 */
export async function fireTimer(
  unitOfWork: UnitOfWork,
  handlers: ReadonlyMap<string, TimerHandler>,
  clock: Clock,
  timerId: string,
): Promise<FireOutcome> {
  return unitOfWork(async (work) => {
    const [timer] = await work.tx
      .select()
      .from(timers)
      .where(and(eq(timers.id, timerId), isNull(timers.firedAt), isNull(timers.cancelledAt)))
      .for('update');
    if (!timer) return 'not_pending';
    const now = clock.now();
    if (timer.dueAt.getTime() > now.getTime()) return 'not_due';
    const handler = handlers.get(timer.name);
    if (!handler) return 'no_handler';
    await handler(timer, work);
    await work.tx.update(timers).set({ firedAt: now }).where(eq(timers.id, timer.id));
    return 'fired';
  });
}
