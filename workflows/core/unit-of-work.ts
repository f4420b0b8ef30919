import { and, eq, isNull, notInArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database, Transaction } from '../../db/client';
import type { auditEvents } from '../../db/schema/audit';
import { outbox, type Recipient, timers } from '../../db/schema/jobs';
import type { Notice } from './notice';
import { PLATFORMS, type Platform, perPlatform } from './ports';
import { type ChangeAtEnd, type WritesAtEnd, writeAtEnd } from './writes-at-end';

export type ScheduledTimer = { id: string; dueAt: Date };
export type AuditEvent = typeof auditEvents.$inferInsert;

/** Outbox rows to send on one platform: those asking someone to act, and those that only inform. */
type ByUrgency = { urgent: number[]; routine: number[] };

/** Outbox rows a commit wrote, by the platform they go to (each has a send limit of its own). */
export type QueuedNotices = Record<Platform, ByUrgency>;

export const noQueuedNotices = (): QueuedNotices => perPlatform(() => ({ urgent: [], routine: [] }));

export const queuedCount = (notices: QueuedNotices) =>
  PLATFORMS.reduce(
    (sum, platform) => sum + notices[platform].urgent.length + notices[platform].routine.length,
    0,
  );

/** What happens after a commit: mirror the new rows to the queue. Losing this is safe (reconciler). */
export type AfterCommit = {
  timersScheduled: (scheduled: ScheduledTimer[]) => Promise<void>;
  noticesQueued: (queued: QueuedNotices) => Promise<void>;
};

export type TimerRequest = {
  /** Deterministic: the same id names the same timer, so scheduling twice moves it, never doubles it. */
  id: string;
  name: string;
  dueAt: Date;
  relationshipId?: string;
  payload?: Record<string, unknown>;
  /** Timers kept in step together; see cancelTimersExcept. */
  group?: string;
  /**
   * The id names something this transaction created, so no such timer exists yet: it is written as
   * the unit of work ends, with the others of its kind, in one statement. What reads or cancels
   * timers in the same unit of work does not see it.
   */
  fresh?: boolean;
};

export type NoticeOptions = {
  relationshipId?: string;
  /** What the message is about (`escalation:12`). */
  topic?: string;
  /** The outbox row whose message this one replaces. */
  updateOf?: number;
  /**
   * It asks someone to act (an approver's request): when sends are limited, it goes before the
   * messages that only inform.
   */
  urgent?: boolean;
};

/**
 * A row that records a notice's outbox row elsewhere (`escalation_messages`, `topic_messages`), so
 * the message can be updated when its subject changes: written with the notice, given its `outboxId`.
 */
export type Remembered = { into: PgTable & { outboxId: unknown }; row: Record<string, unknown> };

export type AtEndOptions = Omit<NoticeOptions, 'updateOf'> & { remember?: Remembered };

export type Work = {
  tx: Transaction;
  scheduleTimer: (timer: TimerRequest) => Promise<void>;
  cancelTimer: (id: string) => Promise<void>;
  /** Cancels every pending timer of `group`, except those named in `keep`. */
  cancelTimersExcept: (group: string, keep: string[]) => Promise<void>;
  queueNotice: (recipient: Recipient, notice: Notice, options?: NoticeOptions) => Promise<number>;
  /**
   * A notice written with the others in one statement as the unit of work ends, so a batch of
   * reminders, or of routed escalations, costs one insert, not one each; with `remember`, the rows
   * recording them are written alike, one statement per table. What reads those tables in the same
   * unit of work does not see them yet.
   */
  queueNoticeAtEnd: (recipient: Recipient, notice: Notice, options?: AtEndOptions) => void;
  /** An audit event, written with the others in one statement as the unit of work ends. */
  auditAtEnd: (event: AuditEvent) => void;
  /**
   * A read shared by everything in this unit of work (the timers of one batch): `load` runs once
   * per key. Only for what the work itself does not change.
   */
  memo: <T>(key: string, load: () => Promise<T>) => Promise<T>;
  /**
   * A change a batch gathers into one part of the statement that ends the work (with the notices,
   * audit events and timers): `change` reads `rows` as a JSON array, once the work itself is done,
   * so rows added to the array until then are in it. `name` names the part and its shape.
   */
  changeAtEnd: (change: ChangeAtEnd) => void;
};

export type UnitOfWork = {
  <T>(work: (w: Work) => Promise<T>): Promise<T>;
  /**
   * A change made by one statement, which commits on its own: no BEGIN and COMMIT round trips, for
   * the writes a person waits on (raising an escalation inside Slack's request). Nothing is mirrored
   * to the queue after it: a timer it writes must be of a kind set due at once, which workers poll
   * for (TimerHandler.dueAtOnce).
   */
  oneStatement: <T>(run: (db: Database) => Promise<T>) => Promise<T>;
};

/**
 * One transaction in which a use case changes state, writes the notices to send and the timers to
 * set. Nothing is sent or scheduled before it commits.
 */
export function createUnitOfWork(db: Database, afterCommit: AfterCommit): UnitOfWork {
  const oneStatement: UnitOfWork['oneStatement'] = (run) => run(db);
  const unitOfWork = async <T>(work: (w: Work) => Promise<T>): Promise<T> => {
    const scheduled = new Map<string, ScheduledTimer>();
    const queued = noQueuedNotices();
    const queue = (recipient: Recipient, outboxId: number, options: Pick<NoticeOptions, 'urgent'>) =>
      queued[recipient.platform][options.urgent ? 'urgent' : 'routine'].push(outboxId);
    const memos = new Map<string, Promise<unknown>>();
    const atEnd: WritesAtEnd = { changes: [], notices: [], audit: [], timers: [] };
    const result = await db.transaction(async (tx) => {
      const value = await work({
        tx,
        scheduleTimer: async (timer) => {
          if (timer.fresh) {
            atEnd.timers.push(timer);
            return;
          }
          // Read first: the same timer at the same time is left alone without taking its row lock,
          // so a periodic re-derivation never blocks a timer that is firing.
          const [current] = await tx
            .select({ dueAt: timers.dueAt, cancelledAt: timers.cancelledAt })
            .from(timers)
            .where(eq(timers.id, timer.id));
          if (current && current.dueAt.getTime() === timer.dueAt.getTime() && current.cancelledAt === null)
            return;
          const written = await tx
            .insert(timers)
            .values({
              id: timer.id,
              name: timer.name,
              dueAt: timer.dueAt,
              relationshipId: timer.relationshipId,
              payload: timer.payload ?? {},
              groupKey: timer.group,
            })
            // The same timer at the same time is left as it is (pending or fired): only a move,
            // or a timer cancelled before, is written again.
            .onConflictDoUpdate({
              target: timers.id,
              set: {
                name: timer.name,
                dueAt: timer.dueAt,
                payload: timer.payload ?? {},
                groupKey: timer.group,
                firedAt: null,
                cancelledAt: null,
                failures: 0,
              },
              setWhere: sql`${timers.dueAt} IS DISTINCT FROM excluded.due_at OR ${timers.cancelledAt} IS NOT NULL`,
            })
            .returning({ id: timers.id });
          if (written.length > 0) scheduled.set(timer.id, { id: timer.id, dueAt: timer.dueAt });
        },
        cancelTimer: async (id) => {
          await tx.update(timers).set({ cancelledAt: sql`now()` }).where(sql`${timers.id} = ${id}`);
          scheduled.delete(id);
        },
        cancelTimersExcept: async (group, keep) => {
          const cancelled = await tx
            .update(timers)
            .set({ cancelledAt: sql`now()` })
            .where(
              and(
                eq(timers.groupKey, group),
                isNull(timers.firedAt),
                isNull(timers.cancelledAt),
                notInArray(timers.id, keep),
              ),
            )
            .returning({ id: timers.id });
          for (const { id } of cancelled) scheduled.delete(id);
        },
        queueNotice: async (recipient, notice, options = {}) => {
          const [row] = await tx
            .insert(outbox)
            .values({
              recipient,
              notice,
              relationshipId: options.relationshipId,
              topic: options.topic,
              updateOf: options.updateOf,
              urgent: options.urgent ?? false,
            })
            .returning({ id: outbox.id });
          if (!row) throw new Error('outbox insert returned no row');
          queue(recipient, row.id, options);
          return row.id;
        },
        memo: <T>(key: string, load: () => Promise<T>) => {
          let loaded = memos.get(key);
          if (!loaded) {
            loaded = load();
            memos.set(key, loaded);
          }
          return loaded as Promise<T>;
        },
        queueNoticeAtEnd: (recipient, notice, options = {}) => {
          atEnd.notices.push({ recipient, notice, options });
        },
        auditAtEnd: (event) => {
          atEnd.audit.push(event);
        },
        changeAtEnd: (change) => {
          atEnd.changes.push(change);
        },
      });
      const written = await writeAtEnd(tx, atEnd);
      atEnd.notices.forEach(({ recipient, options }, i) => {
        queue(recipient, written.outboxIds[i] ?? 0, options);
      });
      for (const timer of written.timers) scheduled.set(timer.id, timer);
      return value;
    });
    await Promise.allSettled([
      scheduled.size > 0 ? afterCommit.timersScheduled([...scheduled.values()]) : undefined,
      queuedCount(queued) > 0 ? afterCommit.noticesQueued(queued) : undefined,
    ]);
    return result;
  };
  return Object.assign(unitOfWork, { oneStatement });
}
