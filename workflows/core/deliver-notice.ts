import { and, eq, gt, sql } from 'drizzle-orm';
import { type Database, type Executor, preparedRows, preparedStatement } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { outbox, type Recipient } from '../../db/schema/jobs';
import type { Clock } from './clock';
import type { Notice } from './notice';
import { type ChatPort, DeliveryError, PLATFORMS, type Platform, type SendAllowance } from './ports';
import type { QueuedNotices, UnitOfWork, Work } from './unit-of-work';

export type DeliveryOutcome = 'sent' | 'updated' | 'superseded' | 'not_pending' | 'failed';

export type DeliveryFailure = {
  outboxId: number;
  topic: string;
  relationshipId: string | null;
  recipient: Recipient;
  error: string;
};

/** What a capability does when one of its messages can never be delivered; keyed by topic kind. */
export type DeliveryFailureHandler = (failure: DeliveryFailure, work: Work) => Promise<void>;

/** Longer than any platform call may take (their clients time out after 10 s). */
const CLAIM_LEASE_MS = 60_000;

/**
 * Sends one outbox row, or replaces the message an earlier row posted, the caller holding the send
 * allowance for it (on the row's platform). A worker first claims the row in one statement (a lease:
 * two workers handed the same row cannot both send it, and a worker that died mid-send leaves it to
 * be taken again once the lease runs out), calls the platform holding no transaction and no
 * connection, then marks it sent. A retryable failure is counted and rethrown for
 * the queue to retry with backoff; a permanent one (or a retryable one on the last attempt) is
 * recorded on the row and on its topic's timeline, and the topic's failure handler runs.
 */
export async function deliverNotice(
  db: Database,
  unitOfWork: UnitOfWork,
  chat: ChatPort,
  clock: Clock,
  outboxId: number,
  options: DeliveryOptions & { lastAttempt?: boolean } = {},
): Promise<DeliveryOutcome> {
  const [row] = await claim(db, clock, [outboxId], 'any');
  if (!row) return 'not_pending';
  try {
    if (row.updateOf === null) {
      const { messageId } = await sendNew(chat, options, row);
      await markSent(db, clock, [{ id: row.id, messageId }]);
      return 'sent';
    }
    // A later update of the same message makes this one moot; sending it could undo the later one.
    const [newer] = await db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.updateOf, row.updateOf), gt(outbox.id, row.id)))
      .limit(1);
    if (newer) {
      await markSent(db, clock, [{ id: row.id, messageId: null }]);
      return 'superseded';
    }
    const [original] = await db.select().from(outbox).where(eq(outbox.id, row.updateOf));
    if (!original || original.failedAt)
      throw new DeliveryError('the message to update was never delivered', true);
    if (!original.sentAt || !original.platformMessageId) {
      throw new DeliveryError('the message to update has not been sent yet', false);
    }
    await chat.update(original.recipient, original.platformMessageId, row.notice as Notice).catch((error) => {
      throw pausingOn(options, original.recipient.platform, error);
    });
    await markSent(db, clock, [{ id: row.id, messageId: original.platformMessageId }]);
    return 'updated';
  } catch (error) {
    const failure = asDeliveryError(error);
    if (!failure.permanent && !options.lastAttempt) {
      await release(db, row.id, failure);
      throw failure;
    }
    await unitOfWork((work) => recordFailure(work, clock, row, failure, options.failureHandlers));
    return 'failed';
  }
}

export type DeliveryOptions = {
  /**
   * The send limit shared with every other sender, paused when a platform asks callers to wait; the
   * caller has taken its share before it asks for a send. None in a test that sends alone.
   */
  allowance?: SendAllowance;
  failureHandlers?: ReadonlyMap<string, DeliveryFailureHandler>;
};

/**
 * What sending a batch right away left to the queue: a retry later, after `delayMs`; `urgent` for a
 * request for a decision, which the queue takes first; the platform, whose limit it waits for.
 */
export type LeftToQueue = { outboxId: number; platform: Platform; delayMs: number; urgent: boolean };

/** Committed messages as the queue takes them: at once, the requests for a decision first. */
export const toQueue = (notices: QueuedNotices): LeftToQueue[] =>
  (['urgent', 'routine'] as const).flatMap((kind) =>
    PLATFORMS.flatMap((platform) =>
      notices[platform][kind].map((outboxId) => ({
        outboxId,
        platform,
        delayMs: 0,
        urgent: kind === 'urgent',
      })),
    ),
  );

/**
 * Sends new messages queued together (the DMs of a batch of reminders, of a routed escalation) as
 * soon as the work that queued them has committed, the caller holding the allowance for all of
 * them: one statement claims them all, the sends run concurrently, and one statement marks those
 * that went. Updates of earlier messages are not taken: they wait in the queue for their original.
 * Returns what the queue should take on: rows it did not claim (updates, rows another sender holds:
 * the queue finds those not pending) at once, and sends that failed but may succeed later, after a
 * pause.
 */
export async function deliverNoticesNow(
  db: Database,
  unitOfWork: UnitOfWork,
  chat: ChatPort,
  clock: Clock,
  notices: QueuedNotices,
  options: DeliveryOptions,
): Promise<{ outcomes: DeliveryOutcome[]; leftToQueue: LeftToQueue[] }> {
  const asked = toQueue(notices);
  const rows = await claim(
    db,
    clock,
    asked.map((each) => each.outboxId),
    'new',
  );
  const claimed = new Set(rows.map((row) => row.id));
  // Updates, and rows another sender holds (its job finds them sent), go to the queue at once.
  const leftToQueue = asked.filter((each) => !claimed.has(each.outboxId));
  const outcomes: DeliveryOutcome[] = [];
  // In the order asked for (the urgent first), whatever order the claim returned them in.
  const order = new Map(asked.map((each, i) => [each.outboxId, i]));
  rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const results = await Promise.allSettled(rows.map((row) => sendNew(chat, options, row)));
  const sent: { id: number; messageId: string }[] = [];
  for (const [i, result] of results.entries()) {
    const row = rows[i] as OutboxRow;
    if (result.status === 'fulfilled') {
      sent.push({ id: row.id, messageId: result.value.messageId });
      outcomes.push('sent');
      continue;
    }
    const failure = asDeliveryError(result.reason);
    if (failure.permanent) {
      await unitOfWork((work) => recordFailure(work, clock, row, failure, options.failureHandlers));
      outcomes.push('failed');
    } else {
      await release(db, row.id, failure);
      leftToQueue.push({
        outboxId: row.id,
        platform: row.recipient.platform,
        delayMs: failure.retryAfterMs ?? RETRY_AFTER_MS,
        urgent: row.urgent,
      });
    }
  }
  await markSent(db, clock, sent);
  return { outcomes, leftToQueue };
}

/** The first retry of a send made right away, as the queue's own backoff would wait. */
const RETRY_AFTER_MS = 1000;

type OutboxRow = typeof outbox.$inferSelect;

/**
 * Takes the rows `where` names that are still to be sent and that nobody holds, for a lease: two
 * senders handed the same row cannot both send it, and one that died mid-send leaves it to be
 * taken again once the lease runs out. No transaction stays open while the platform is called.
 */
function claim(db: Executor, clock: Clock, ids: number[], only: 'any' | 'new'): Promise<OutboxRow[]> {
  const now = clock.now();
  return claimStatements[only](db, { ids, now, until: new Date(now.getTime() + CLAIM_LEASE_MS) });
}

// Prepared and built once: every message is claimed, a few thousand times a second in a burst.
const claimStatement = (only: 'any' | 'new') =>
  preparedRows(
    outbox,
    (columns) => sql`UPDATE ${outbox} SET claimed_until = ${sql.placeholder('until')}::timestamptz
      WHERE ${outbox.id} = ANY(${sql.placeholder('ids')}::bigint[])
        ${only === 'new' ? sql`AND ${outbox.updateOf} IS NULL` : sql``}
        AND ${outbox.sentAt} IS NULL AND ${outbox.failedAt} IS NULL
        AND (${outbox.claimedUntil} IS NULL OR ${outbox.claimedUntil} < ${sql.placeholder('now')}::timestamptz)
      RETURNING ${columns}`,
  );
const claimStatements = { any: claimStatement('any'), new: claimStatement('new') };

async function sendNew(chat: ChatPort, options: DeliveryOptions, row: OutboxRow) {
  try {
    return await chat.send(row.recipient, row.notice as Notice);
  } catch (error) {
    throw pausingOn(options, row.recipient.platform, error);
  }
}

/**
 * A platform that asks callers to wait (a 429 with Retry-After) gets every sender to wait before
 * sending there again; the other platform's messages go on.
 */
function pausingOn(options: DeliveryOptions, platform: Platform, error: unknown): unknown {
  if (error instanceof DeliveryError && error.retryAfterMs !== undefined)
    void options.allowance?.pause(platform, error.retryAfterMs).catch(() => {});
  return error;
}

const markSentStatement = preparedStatement(
  () => sql`
    UPDATE outbox SET sent_at = ${sql.placeholder('now')}::timestamptz, platform_message_id = sent.message_id,
      claimed_until = NULL, attempts = outbox.attempts + 1
    FROM unnest(${sql.placeholder('ids')}::bigint[], ${sql.placeholder('messageIds')}::text[])
      AS sent(id, message_id)
    WHERE outbox.id = sent.id`,
);

/** Rows sent, marked in one statement whatever their number. */
async function markSent(db: Executor, clock: Clock, sent: { id: number; messageId: string | null }[]) {
  if (sent.length === 0) return;
  await markSentStatement(db, {
    now: clock.now(),
    ids: sent.map((each) => each.id),
    messageIds: sent.map((each) => each.messageId),
  });
}

/** Prepares the statements of sending on the connection `tx` holds: they claim and mark nothing. */
export async function warmDeliveryStatements(tx: Executor) {
  const clock = { now: () => new Date(0) };
  await claim(tx, clock, [], 'new');
  await claim(tx, clock, [], 'any');
  await markSentStatement(tx, { now: new Date(0), ids: [], messageIds: [] });
}

/** A failed try that may be retried: counted, and the row let go for the retry to claim. */
async function release(db: Database, outboxId: number, failure: DeliveryError) {
  await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastError: failure.message, claimedUntil: null })
    .where(eq(outbox.id, outboxId));
}

function asDeliveryError(error: unknown): DeliveryError {
  return error instanceof DeliveryError ? error : new DeliveryError(describe(error), false);
}

async function recordFailure(
  work: Work,
  clock: Clock,
  row: OutboxRow,
  failure: DeliveryError,
  failureHandlers: ReadonlyMap<string, DeliveryFailureHandler> | undefined,
) {
  const { tx } = work;
  await tx
    .update(outbox)
    .set({
      failedAt: clock.now(),
      lastError: failure.message,
      claimedUntil: null,
      attempts: sql`${outbox.attempts} + 1`,
    })
    .where(eq(outbox.id, row.id));
  const topic = row.topic ?? `outbox:${row.id}`;
  await tx.insert(auditEvents).values({
    at: clock.now(),
    relationshipId: row.relationshipId,
    actor: 'accord',
    kind: 'delivery.failed',
    subject: topic,
    data: { outboxId: row.id, recipient: row.recipient, error: failure.message },
  });
  const handler = failureHandlers?.get(topic.split(':')[0] ?? '');
  await handler?.(
    {
      outboxId: row.id,
      topic,
      relationshipId: row.relationshipId,
      recipient: row.recipient,
      error: failure.message,
    },
    work,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
