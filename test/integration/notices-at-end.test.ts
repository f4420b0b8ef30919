import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema/audit';
import { outbox, timers } from '../../db/schema/jobs';
import { topicMessages } from '../../db/schema/topic-messages';
import { createUnitOfWork, type QueuedNotices, type ScheduledTimer } from '../../workflows/core/unit-of-work';
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

  it('remembers each request with its own message and hands them to sending urgent first, by platform', async () => {
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
      work.queueNoticeAtEnd(
        { platform: 'teams', aadObjectId: 'aad-fay' },
        { title: 'For Fay' },
        { urgent: true },
      );
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
    expect(await channelOf(committed[0]?.slack.urgent ?? [])).toEqual(['U0ANN', 'U0CAT', 'U0EVE']);
    expect(await channelOf(committed[0]?.slack.routine ?? [])).toEqual(['U0BEN', 'U0DAN']);
    // Each platform's messages apart, for its own send limit.
    const [fay] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.id, committed[0]?.teams.urgent[0] ?? 0));
    expect(fay?.recipient).toEqual({ platform: 'teams', aadObjectId: 'aad-fay' });
    expect(committed[0]?.teams.routine).toEqual([]);
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

  it('writes audit events and new timers as it ends, each as asked, and hands the timers to the queue', async () => {
    const scheduled: ScheduledTimer[][] = [];
    const unitOfWork = createUnitOfWork(database.db, {
      timersScheduled: async (written) => {
        scheduled.push(written);
      },
      noticesQueued: async () => {},
    });
    const at = new Date('2026-03-02T09:30:00.000Z');
    const due = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
    await unitOfWork(async (work) => {
      work.auditAtEnd({
        at,
        actor: 'ann',
        kind: 'test.said',
        subject: 'test:1',
        data: { words: ['a "quote"', 'ü'] },
      });
      // No time given: the event takes the table's default, the time of the commit.
      work.auditAtEnd({ actor: 'ben', kind: 'test.said', subject: 'test:1', relationshipId: 'acme' });
      await work.scheduleTimer({ id: 'test-fresh.1', name: 'test.fresh', dueAt: due(5), fresh: true });
      await work.scheduleTimer({
        id: 'test-fresh.2',
        name: 'test.fresh',
        dueAt: due(10),
        relationshipId: 'acme',
        payload: { escalationId: 2 },
        fresh: true,
      });
      // Asked twice: the last time asked for is the one written.
      await work.scheduleTimer({
        id: 'test-fresh.2',
        name: 'test.fresh',
        dueAt: due(15),
        relationshipId: 'acme',
        payload: { escalationId: 2, level: 2 },
        fresh: true,
      });
    });

    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subject, 'test:1'))
      .orderBy(auditEvents.id);
    expect(events.map(({ actor, relationshipId, data }) => ({ actor, relationshipId, data }))).toEqual([
      { actor: 'ann', relationshipId: null, data: { words: ['a "quote"', 'ü'] } },
      { actor: 'ben', relationshipId: 'acme', data: {} },
    ]);
    expect(events[0]?.at).toEqual(at);
    expect(events[1]?.at.getTime()).toBeGreaterThan(at.getTime());

    const written = await database.db.select().from(timers).where(eq(timers.name, 'test.fresh'));
    expect(
      written
        .map(({ id, dueAt, relationshipId, payload }) => ({ id, dueAt, relationshipId, payload }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual([
      { id: 'test-fresh.1', dueAt: due(5), relationshipId: null, payload: {} },
      { id: 'test-fresh.2', dueAt: due(15), relationshipId: 'acme', payload: { escalationId: 2, level: 2 } },
    ]);
    expect(scheduled.flat().sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'test-fresh.1', dueAt: due(5) },
      { id: 'test-fresh.2', dueAt: due(15) },
    ]);
  });

  it('writes notices with the rows remembering them, audit events and timers together, and a timer unmoved not again', async () => {
    const scheduled: ScheduledTimer[][] = [];
    const queued: QueuedNotices[] = [];
    const unitOfWork = createUnitOfWork(database.db, {
      timersScheduled: async (written) => {
        scheduled.push(written);
      },
      noticesQueued: async (notices) => {
        queued.push(notices);
      },
    });
    const dueAt = new Date('2026-03-03T09:00:00.000Z');
    const batch = async (round: number) =>
      unitOfWork(async (work) => {
        for (const person of ['U0GIL', 'U0HAL']) {
          work.queueNoticeAtEnd(
            { platform: 'slack', channel: person },
            { title: `Round ${round} for ${person}` },
            {
              topic: 'issue:8',
              urgent: true,
              remember: {
                into: topicMessages,
                row: { topic: 'issue:8', purpose: `round-${round}`, personId: person },
              },
            },
          );
          work.auditAtEnd({ actor: person, kind: 'test.batch', subject: 'test:8', data: { round } });
        }
        await work.scheduleTimer({ id: 'test-batch.1', name: 'test.batch', dueAt, fresh: true });
      });

    await batch(1);
    await batch(2);

    const remembered = await database.db
      .select({ purpose: topicMessages.purpose, personId: topicMessages.personId, notice: outbox.notice })
      .from(topicMessages)
      .innerJoin(outbox, eq(outbox.id, topicMessages.outboxId))
      .where(eq(topicMessages.topic, 'issue:8'));
    expect(remembered.map((row) => [row.purpose, row.personId, row.notice]).sort()).toEqual([
      ['round-1', 'U0GIL', { title: 'Round 1 for U0GIL' }],
      ['round-1', 'U0HAL', { title: 'Round 1 for U0HAL' }],
      ['round-2', 'U0GIL', { title: 'Round 2 for U0GIL' }],
      ['round-2', 'U0HAL', { title: 'Round 2 for U0HAL' }],
    ]);
    expect(queued.map((notices) => notices.slack.urgent.length)).toEqual([2, 2]);
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subject, 'test:8'))
      .orderBy(auditEvents.id);
    expect(events.map(({ actor, data }) => [actor, data])).toEqual([
      ['U0GIL', { round: 1 }],
      ['U0HAL', { round: 1 }],
      ['U0GIL', { round: 2 }],
      ['U0HAL', { round: 2 }],
    ]);
    // The second round asked for the same timer at the same time: nothing to hand to the queue.
    expect(scheduled).toEqual([[{ id: 'test-batch.1', dueAt }]]);
  });
});
