import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/jobs';
import { topicMessages } from '../../db/schema/topic-messages';
import { createUnitOfWork, type QueuedNotices } from '../../workflows/core/unit-of-work';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Notices written as a unit of work ends, in one statement: an approver's request remembered for
 * later updates must point at its own message, or a decision would rewrite somebody else's DM.
 */
describe('notices written as the unit of work ends', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('remembers each request with its own message and hands them to sending urgent first', async () => {
    const committed: QueuedNotices[] = [];
    const unitOfWork = createUnitOfWork(database.db, {
      timersScheduled: async () => {},
      noticesQueued: async (queued) => {
        committed.push(queued);
      },
    });
    const people = ['U0ANN', 'U0BEN', 'U0CAT', 'U0DAN', 'U0EVE'];
    await unitOfWork(async (work) => {
      people.forEach((person, i) => {
        const asks = i % 2 === 0;
        work.queueNoticeAtEnd(
          { platform: 'slack', channel: person },
          { title: `For ${person}` },
          {
            topic: 'issue:7',
            urgent: asks,
            ...(asks
              ? {
                  remember: {
                    into: topicMessages,
                    row: { topic: 'issue:7', purpose: 'approver', personId: person },
                  },
                }
              : {}),
          },
        );
      });
    });

    const remembered = await database.db
      .select({ personId: topicMessages.personId, recipient: outbox.recipient, notice: outbox.notice })
      .from(topicMessages)
      .innerJoin(outbox, eq(outbox.id, topicMessages.outboxId))
      .where(eq(topicMessages.topic, 'issue:7'));
    expect(remembered.map((row) => row.personId).sort()).toEqual(['U0ANN', 'U0CAT', 'U0EVE']);
    for (const row of remembered) {
      expect(row.recipient).toEqual({ platform: 'slack', channel: row.personId });
      expect(row.notice).toEqual({ title: `For ${row.personId}` });
    }

    expect(committed).toHaveLength(1);
    const channelOf = async (ids: number[]) => {
      const rows = await database.db.select().from(outbox);
      return ids.map((id) => {
        const recipient = rows.find((row) => row.id === id)?.recipient;
        return recipient && 'channel' in recipient ? recipient.channel : undefined;
      });
    };
    expect(await channelOf(committed[0]?.urgent ?? [])).toEqual(['U0ANN', 'U0CAT', 'U0EVE']);
    expect(await channelOf(committed[0]?.routine ?? [])).toEqual(['U0BEN', 'U0DAN']);
  });

  it('writes nothing when the unit of work fails', async () => {
    const unitOfWork = createUnitOfWork(database.db, {
      timersScheduled: async () => {},
      noticesQueued: async () => {},
    });
    await expect(
      unitOfWork(async (work) => {
        work.queueNoticeAtEnd(
          { platform: 'slack', channel: 'U0LOST' },
          { title: 'Never sent' },
          { remember: { into: topicMessages, row: { topic: 'issue:8', purpose: 'approver' } } },
        );
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await database.db.select().from(topicMessages).where(eq(topicMessages.topic, 'issue:8'))).toEqual(
      [],
    );
    const lost = (await database.db.select().from(outbox)).filter(
      (row) => 'channel' in row.recipient && row.recipient.channel === 'U0LOST',
    );
    expect(lost).toEqual([]);
  });
});
