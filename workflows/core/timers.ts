import { eq, sql } from 'drizzle-orm';
import { type Database, type Executor, preparedStatement } from '../../db/client';
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

/**
 * A timer's domain command. It runs in the same transaction that marks the timer fired. `prepare`,
 * when a handler has it, runs first, once for every timer of a batch: there it reads what they all
 * need in one statement and leaves it in `work.memo`. One statement a timer, one after another,
 * made a batch of fifty wait for fifty round trips before any of its messages could go.
 */
export type TimerHandler = ((timer: DueTimer, work: Work) => Promise<void>) & {
  prepare?: (timers: DueTimer[], work: Work) => Promise<void>;
  /**
   * Timers of this kind are set due at once, by a request a person waits on (a raised escalation's
   * routing): the request adds no queue job; workers poll Postgres for them (fireDue), woken by the
   * notification the writing statement sends (notifyDueAtOnce).
   */
  dueAtOnce?: boolean;
};

/**
 * The Postgres notification channel of commits that set timers due at once: its payload is the
 * timer's name, and it wakes the workers polling for that kind (bot/jobs/due-signals.ts).
 */
export const DUE_AT_ONCE_CHANNEL = 'accord_due_at_once';

/**
 * Notifies the workers, as the statement's transaction commits, that timers of `name` are due. For
 * a statement that writes them: Postgres sends one notification however many rows call it.
 */
export const notifyDueAtOnce = (name: string) => sql`pg_notify(${DUE_AT_ONCE_CHANNEL}, ${name})`;

export type FireOutcome = 'fired' | 'not_pending' | 'not_due' | 'no_handler';

export type FireResult = {
  outcome: FireOutcome;
  /** Every timer this call fired: the one asked for and the due timers of its kind it took along. */
  fired: number;
  /** The due timers it took along (their own jobs will find them fired). */
  alongside?: { id: string; dueAt: Date }[];
};

// Prepared and built once: a burst runs these a few thousand times a second.
const pendingById = sql`${timers.id} = ${sql.placeholder('id')} AND ${timers.firedAt} IS NULL AND ${timers.cancelledAt} IS NULL`;
/** The due timers of a kind that may go in a batch (one that failed is fired alone). */
const dueOfKind = sql`${timers.name} = ${sql.placeholder('name')} AND ${timers.failures} = 0
  AND ${timers.firedAt} IS NULL AND ${timers.cancelledAt} IS NULL
  AND ${timers.dueAt} <= ${sql.placeholder('now')}::timestamptz`;

type TimerRow = { id: string; name: string; relationship_id: string | null; payload: unknown; due_at: Date };
const dueTimer = (row: TimerRow): DueTimer => ({
  id: row.id,
  name: row.name,
  relationshipId: row.relationship_id,
  payload: (row.payload ?? {}) as Record<string, unknown>,
  dueAt: row.due_at,
});
const timerColumns = sql`${timers.id}, ${timers.name}, ${timers.relationshipId}, ${timers.payload}, ${timers.dueAt}`;

const pendingStatement = preparedStatement<{ id: string }>(
  () => sql`SELECT ${timers.id} FROM ${timers} WHERE ${pendingById} FOR UPDATE SKIP LOCKED`,
);

// Held by another worker's batch: it fires it, or hands it back if that batch fails.
const takeStatement = preparedStatement<TimerRow>(
  () => sql`SELECT ${timerColumns} FROM ${timers} WHERE ${pendingById} FOR UPDATE SKIP LOCKED`,
);

const takeDueStatement = preparedStatement<TimerRow>(
  () => sql`SELECT ${timerColumns} FROM ${timers}
    WHERE ${dueOfKind} AND ${timers.id} <> ${sql.placeholder('id')}
    ORDER BY ${timers.dueAt} LIMIT ${sql.placeholder('limit')}
    FOR UPDATE SKIP LOCKED`,
);

// Polled for every few tens of milliseconds by each worker: one indexed look, no transaction.
const anyDueStatement = preparedStatement<{ id: string }>(
  () => sql`SELECT ${timers.id} FROM ${timers} WHERE ${dueOfKind} LIMIT 1`,
);

/** Prepares the statements of firing on the connection `tx` holds: they take and mark nothing. */
export async function warmTimerStatements(tx: Executor) {
  await pendingStatement(tx, { id: '' });
  await takeStatement(tx, { id: '' });
  await takeDueStatement(tx, { name: '', id: '', now: new Date(0), limit: 0 });
  await anyDueStatement(tx, { name: '', now: new Date(0) });
}

/**
 * Fires a timer once: locks its row, checks it is still pending and due (a moved timer leaves an
 * early job behind, which finds it not due), runs its handler and marks it fired, all in one
 * transaction. A second delivery of the same job finds it fired and does nothing.
 *
 * With `batch` above 1 the same transaction also fires other due timers of the same kind that no
 * other worker holds (`SKIP LOCKED`), so a burst of timers (ten thousand reminders in a minute)
 * costs one transaction per batch, not per timer, and handlers can share what they read through
 * `work.memo`. Their own jobs then find them fired. Only one kind per batch: handlers of one kind do
 * not change what the others read. A handler that throws rolls the batch back and has its failure
 * counted: from then on that timer is only fired alone, by its own job's retries, so one bad timer
 * cannot hold back the others.
 */
export async function fireTimer(
  db: Database,
  unitOfWork: UnitOfWork,
  handlers: ReadonlyMap<string, TimerHandler>,
  clock: Clock,
  timerId: string,
  batch = 1,
): Promise<FireResult> {
  // A first look outside any transaction: most jobs of a burst find their timer already fired, or
  // held by another worker's batch that is firing it (SKIP LOCKED), and stop here.
  const [pending] = await pendingStatement(db, { id: timerId });
  if (!pending) return { outcome: 'not_pending', fired: 0 };
  return countingFailures(db, () => fireInTransaction(unitOfWork, handlers, clock, timerId, batch));
}

/**
 * Fires the due timers of one kind that no other worker holds, up to `batch`, in one transaction, as
 * fireTimer fires a batch: for the kinds set due at once (`dueAtOnce`), which workers poll for.
 * Returns how many it fired. A timer whose handler failed is left out from then on: it needs a job
 * of its own, which the caller adds (TimerFailure).
 */
export async function fireDue(
  db: Database,
  unitOfWork: UnitOfWork,
  handlers: ReadonlyMap<string, TimerHandler>,
  clock: Clock,
  name: string,
  batch: number,
  /** The last batch came full: there is more, and the look that saves an empty transaction is not needed. */
  moreDue = false,
): Promise<number> {
  const handler = handlers.get(name);
  if (!handler) return 0;
  // Most polls find nothing: they cost one statement, not a transaction.
  if (!moreDue) {
    const [any] = await anyDueStatement(db, { name, now: clock.now() });
    if (!any) return 0;
  }
  return countingFailures(db, () =>
    unitOfWork(async (work) => {
      const now = clock.now();
      // No timer id is empty, so this takes every due timer of the kind.
      const due = (await takeDueStatement(work.tx, { name, id: '', now, limit: batch })).map(dueTimer);
      if (due.length > 0) await fireBatch(work, handler, now, due, due);
      return due.length;
    }),
  );
}

/** A handler that threw has its failure counted on its timer, outside the rolled-back batch. */
async function countingFailures<T>(db: Database, fire: () => Promise<T>): Promise<T> {
  try {
    return await fire();
  } catch (error) {
    if (error instanceof TimerFailure) {
      await db
        .update(timers)
        .set({ failures: sql`${timers.failures} + 1` })
        .where(eq(timers.id, error.timerId));
    }
    throw error;
  }
}

/**
 * A handler threw for `timerId`, and the batch it was in was rolled back. The timers the batch had
 * taken besides the job's own (the failed one among them) are still pending, but their own jobs may
 * have passed them by while the batch held them: the caller offers them to the queue again.
 */
export class TimerFailure extends Error {
  constructor(
    readonly timerId: string,
    override readonly cause: unknown,
    readonly rolledBack: { id: string; dueAt: Date }[],
  ) {
    super(`timer ${timerId} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

async function fireInTransaction(
  unitOfWork: UnitOfWork,
  handlers: ReadonlyMap<string, TimerHandler>,
  clock: Clock,
  timerId: string,
  batch: number,
): Promise<FireResult> {
  return unitOfWork(async (work) => {
    const [timer] = (await takeStatement(work.tx, { id: timerId })).map(dueTimer);
    if (!timer) return { outcome: 'not_pending', fired: 0 };
    const now = clock.now();
    if (timer.dueAt.getTime() > now.getTime()) return { outcome: 'not_due', fired: 0 };
    const handler = handlers.get(timer.name);
    if (!handler) return { outcome: 'no_handler', fired: 0 };
    const others =
      batch > 1
        ? (await takeDueStatement(work.tx, { name: timer.name, id: timer.id, now, limit: batch - 1 })).map(
            dueTimer,
          )
        : [];
    await fireBatch(work, handler, now, [timer, ...others], others);
    return { outcome: 'fired', fired: 1 + others.length, alongside: others };
  });
}

/**
 * Runs the handler for each timer of a batch and marks them all fired. A handler that throws fails
 * the batch, naming its timer; `rolledBack` are the timers the caller must offer again.
 */
async function fireBatch(
  work: Work,
  handler: TimerHandler,
  now: Date,
  due: DueTimer[],
  rolledBack: DueTimer[],
) {
  try {
    await handler.prepare?.(due, work);
  } catch (error) {
    throw new TimerFailure(due[0]?.id ?? '', error, rolledBack);
  }
  for (const each of due) {
    try {
      await handler(each, work);
    } catch (error) {
      throw new TimerFailure(each.id, error, rolledBack);
    }
  }
  // Marked in the statement that ends the work, with what the handlers wrote: one round trip fewer.
  work.changeAtEnd({
    name: 'timers_fired',
    rows: due.map((each) => ({ id: each.id, at: now })),
    change: (rows) => sql`UPDATE timers SET fired_at = fired.at
      FROM jsonb_to_recordset(${rows}::jsonb) AS fired(id text, at timestamptz) WHERE timers.id = fired.id`,
  });
}
