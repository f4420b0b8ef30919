import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { outbox, type Recipient } from '../../db/schema/jobs';
import type { Clock } from './clock';
import type { Notice } from './notice';
import { type ChatPort, DeliveryError } from './ports';
import type { UnitOfWork, Work } from './unit-of-work';

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
 * Sends one outbox row, or replaces the message an earlier row posted. A worker first claims the row
 * in one statement (a lease: two workers handed the same row cannot both send it, and a worker that
 * died mid-send leaves it to be taken again once the lease runs out), calls the platform holding no
 * transaction and no connection, then marks it sent. A retryable failure is counted and rethrown for
 * the queue to retry with backoff; a permanent one (or a retryable one on the last attempt) is
 * recorded on the row and on its topic's timeline, and the topic's failure handler runs.
 */
export async function deliverNotice(
  db: Database,
  unitOfWork: UnitOfWork,
  chat: ChatPort,
  clock: Clock,
  outboxId: number,
  options: { lastAttempt?: boolean; failureHandlers?: ReadonlyMap<string, DeliveryFailureHandler> } = {},
): Promise<DeliveryOutcome> {
  const now = clock.now();
  const [row] = await db
    .update(outbox)
    .set({ claimedUntil: new Date(now.getTime() + CLAIM_LEASE_MS) })
    .where(
      and(
        eq(outbox.id, outboxId),
        isNull(outbox.sentAt),
        isNull(outbox.failedAt),
        or(isNull(outbox.claimedUntil), lt(outbox.claimedUntil, now)),
      ),
    )
    .returning();
  if (!row) return 'not_pending';
  const markSent = async (platformMessageId: string | null) => {
    await db
      .update(outbox)
      .set({
        sentAt: clock.now(),
        platformMessageId,
        claimedUntil: null,
        attempts: sql`${outbox.attempts} + 1`,
      })
      .where(eq(outbox.id, row.id));
  };
  try {
    if (row.updateOf === null) {
      const { messageId } = await chat.send(row.recipient, row.notice as Notice);
      await markSent(messageId);
      return 'sent';
    }
    // A later update of the same message makes this one moot; sending it could undo the later one.
    const [newer] = await db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.updateOf, row.updateOf), gt(outbox.id, row.id)))
      .limit(1);
    if (newer) {
      await markSent(null);
      return 'superseded';
    }
    const [original] = await db.select().from(outbox).where(eq(outbox.id, row.updateOf));
    if (!original || original.failedAt)
      throw new DeliveryError('the message to update was never delivered', true);
    if (!original.sentAt || !original.platformMessageId) {
      throw new DeliveryError('the message to update has not been sent yet', false);
    }
    await chat.update(original.recipient, original.platformMessageId, row.notice as Notice);
    await markSent(original.platformMessageId);
    return 'updated';
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError(describe(error), false);
    if (!failure.permanent && !options.lastAttempt) {
      await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, lastError: failure.message, claimedUntil: null })
        .where(eq(outbox.id, row.id));
      throw failure;
    }
    await unitOfWork((work) => recordFailure(work, clock, row, failure, options.failureHandlers));
    return 'failed';
  }
}

async function recordFailure(
  work: Work,
  clock: Clock,
  row: typeof outbox.$inferSelect,
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
