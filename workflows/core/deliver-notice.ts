import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { outbox } from '../../db/schema/jobs';
import type { Clock } from './clock';
import type { Notice } from './notice';
import { type ChatPort, DeliveryError } from './ports';

export type DeliveryOutcome = 'sent' | 'not_pending' | 'failed';

/**
 * Sends one outbox row. The row stays locked while it is sent, so two workers handed the same row
 * cannot both send it (the second skips it); it is marked sent in the same transaction.
 * A retryable failure is counted and rethrown for the queue to retry with backoff; a permanent one
 * (or a retryable one on the last attempt) is recorded on the row and in the audit trail, and the
 * row is never tried again.
 */
export async function deliverNotice(
  db: Database,
  chat: ChatPort,
  clock: Clock,
  outboxId: number,
  options: { lastAttempt?: boolean } = {},
): Promise<DeliveryOutcome> {
  let retry: DeliveryError | undefined;
  const outcome = await db.transaction(async (tx): Promise<DeliveryOutcome> => {
    const [row] = await tx
      .select()
      .from(outbox)
      .where(and(eq(outbox.id, outboxId), isNull(outbox.sentAt), isNull(outbox.failedAt)))
      .for('update', { skipLocked: true });
    if (!row) return 'not_pending';
    try {
      const { messageId } = await chat.send(row.recipient, row.notice as Notice);
      await tx
        .update(outbox)
        .set({ sentAt: clock.now(), platformMessageId: messageId, attempts: sql`${outbox.attempts} + 1` })
        .where(eq(outbox.id, row.id));
      return 'sent';
    } catch (error) {
      const failure =
        error instanceof DeliveryError ? error : new DeliveryError(describe(error), false, undefined);
      if (!failure.permanent && !options.lastAttempt) {
        retry = failure;
        await tx
          .update(outbox)
          .set({ attempts: sql`${outbox.attempts} + 1`, lastError: failure.message })
          .where(eq(outbox.id, row.id));
        return 'not_pending';
      }
      await tx
        .update(outbox)
        .set({ failedAt: clock.now(), lastError: failure.message, attempts: sql`${outbox.attempts} + 1` })
        .where(eq(outbox.id, row.id));
      await tx.insert(auditEvents).values({
        relationshipId: row.relationshipId,
        actor: 'accord',
        kind: 'delivery.failed',
        subject: `outbox:${row.id}`,
        data: { recipient: row.recipient, error: failure.message },
      });
      return 'failed';
    }
  });
  if (retry) throw retry;
  return outcome;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
