import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client';
import { outbox } from '../../db/schema/jobs';
import { deliverNotice } from '../../workflows/core/deliver-notice';
import type { ChatPort } from '../../workflows/core/ports';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { unitOfWorkWithoutQueue } from '../support/unit-of-work';

describe('a delivery claims its message before it sends it', () => {
  let database: TestDatabase;
  const sent: string[] = [];
  let release: (() => void) | undefined;
  /** A platform that can be held mid-send, as a worker would be when it dies there. */
  const chat: ChatPort = {
    send: async (recipient) => {
      if (release === undefined)
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      sent.push(JSON.stringify(recipient));
      return { messageId: `C1/${sent.length}` };
    },
    update: async () => {},
  };
  const clock = { now: () => new Date() };
  const deliver = (id: number, at = clock) => deliverNotice(database.db, unitOfWork(), chat, at, id);
  const unitOfWork = () => unitOfWorkWithoutQueue(database.db);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('sends once when two workers are handed the same message at the same time', async () => {
    const [row] = await database.db
      .insert(outbox)
      .values({ recipient: { platform: 'slack', channel: 'U0ONCE' }, notice: { title: 'Once' } })
      .returning();
    const id = row?.id ?? 0;
    const first = deliver(id);
    // The first is now held mid-send: the second finds the message claimed and leaves it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await deliver(id)).toBe('not_pending');
    release?.();
    expect(await first).toBe('sent');
    expect(sent.filter((to) => to.includes('U0ONCE'))).toHaveLength(1);
    const [after] = await database.db.select().from(outbox).where(eq(outbox.id, id));
    expect(after).toMatchObject({ platformMessageId: 'C1/1', claimedUntil: null, attempts: 1 });
  });

  it('sends a message whose claim ran out (its worker died mid-send), and not one whose claim holds', async () => {
    const [row] = await database.db
      .insert(outbox)
      .values({
        recipient: { platform: 'slack', channel: 'U0LEASE' },
        notice: { title: 'Lease' },
        claimedUntil: new Date(Date.now() + 60_000),
      })
      .returning();
    const id = row?.id ?? 0;
    expect(await deliver(id)).toBe('not_pending');
    const later = { now: () => new Date(Date.now() + 61_000) };
    expect(await deliver(id, later)).toBe('sent');
    expect(sent.filter((to) => to.includes('U0LEASE'))).toHaveLength(1);
  });
});

describe('a running worker after a migration adds a column to the outbox', () => {
  let database: TestDatabase;
  let oneConnection: DatabaseHandle | undefined;
  const sentTitles: string[] = [];
  const chat: ChatPort = {
    send: async (_recipient, notice) => {
      sentTitles.push(notice.title);
      return { messageId: `C1/${sentTitles.length}` };
    },
    update: async () => {},
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await oneConnection?.close();
    await database?.drop();
  });

  it('still sends: the claim names its columns, so the statement it prepared stays valid', async () => {
    // One connection, so the second claim runs where the first prepared its statement.
    const handle = connectDatabase(database.url, { max: 1 });
    oneConnection = handle;
    const queue = async (title: string) => {
      const [row] = await handle.db
        .insert(outbox)
        .values({ recipient: { platform: 'slack', channel: 'U0MIGRATE' }, notice: { title } })
        .returning();
      return row?.id ?? 0;
    };
    const deliver = async (id: number) =>
      deliverNotice(handle.db, unitOfWorkWithoutQueue(handle.db), chat, { now: () => new Date() }, id);

    expect(await deliver(await queue('Before the migration'))).toBe('sent');
    await handle.db.execute(sql`ALTER TABLE outbox ADD COLUMN added_by_a_later_version text`);
    expect(await deliver(await queue('After the migration'))).toBe('sent');
    expect(sentTitles).toEqual(['Before the migration', 'After the migration']);
  });
});
