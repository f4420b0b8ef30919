import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, timers } from '../../db/schema/jobs';
import { reviewOccurrences } from '../../db/schema/reviews';
import type { Notice } from '../../workflows/core/notice';
import { fireTimer } from '../../workflows/core/timers';
import { applyGovernanceText } from '../../workflows/governance/index';
import { reviewJobs, syncAllSeries } from '../../workflows/reviews/index';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { unitOfWorkWithoutQueue } from '../support/unit-of-work';

// Three meetings at the same time, each with its own attendee: their reminders come due together.
const governance = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: bob, name: Bob Provider, side: provider, slack: U0BOB }
      - { id: carol, name: Carol Chief, side: client, slack: U0CAROL }
    escalation:
      executive: alice
      levels:
        - { name: First, approvers: [bob], respond_within: 4h }
    reviews:
      - { id: ops, title: Operations review, start: "2026-12-03T10:00:00Z", duration: 30m, attendees: [alice], remind_before: [1h] }
      - { id: budget, title: Budget review, start: "2026-12-03T10:00:00Z", duration: 30m, attendees: [bob], remind_before: [1h] }
      - { id: risks, title: Risk review, start: "2026-12-03T10:00:00Z", duration: 30m, attendees: [carol], remind_before: [1h] }
`;

describe('reminders due together, fired as one batch', () => {
  let database: TestDatabase;
  const due = new Date('2026-12-03T09:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    const now = new Date('2026-12-01T08:00:00Z');
    await applyGovernanceText(database.db, governance, { actor: 'test', source: 'test', now });
    await syncAllSeries(unitOfWorkWithoutQueue(database.db), now);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("gives each attendee their own meeting's reminder, and nothing for a meeting called off meanwhile", async () => {
    const reminders = await database.db.select().from(timers).where(eq(timers.name, 'review.remind'));
    expect(reminders.map((timer) => timer.dueAt.toISOString())).toEqual(Array(3).fill(due.toISOString()));
    // Called off after its reminder was set, as a change racing the batch would leave it.
    await database.db
      .update(reviewOccurrences)
      .set({ status: 'cancelled' })
      .where(and(eq(reviewOccurrences.relationshipId, 'acme'), eq(reviewOccurrences.seriesId, 'risks')));

    const clock = { now: () => new Date(due.getTime() + 1000) };
    const handlers = new Map(
      reviewJobs(database.db, clock, { calendarUrl: (token) => `https://a.example/${token}` }),
    );
    const [first] = reminders;
    const result = await fireTimer(
      database.db,
      unitOfWorkWithoutQueue(database.db),
      handlers,
      clock,
      first?.id ?? '',
      50,
    );
    expect(result).toMatchObject({ outcome: 'fired', fired: 3 });

    const queued = await database.db.select().from(outbox);
    const byRecipient = Object.fromEntries(
      queued.map((row) => [
        row.recipient.platform === 'slack' ? row.recipient.channel : 'teams',
        (row.notice as Notice).title,
      ]),
    );
    expect(byRecipient).toEqual({
      U0ALICE: expect.stringContaining('Operations review'),
      U0BOB: expect.stringContaining('Budget review'),
    });
  });
});
