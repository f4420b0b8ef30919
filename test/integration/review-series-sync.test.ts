import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timers } from '../../db/schema/jobs';
import { applyGovernanceText, readGovernanceRevision } from '../../workflows/governance/index';
import { syncSeriesOnChange } from '../../workflows/reviews/index';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { unitOfWorkWithoutQueue } from '../support/unit-of-work';

const governance = (at: string) => `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: bob, name: Bob Provider, side: provider, slack: U0BOB }
    escalation:
      executive: alice
      levels:
        - { name: First, approvers: [bob], respond_within: 4h }
    reviews:
      - { id: weekly, title: Weekly review, rrule: FREQ=WEEKLY;BYDAY=TU, at: "${at}", duration: 60m, attendees: [alice, bob], remind_before: [15m] }
      - { id: monthly, title: Monthly review, rrule: FREQ=MONTHLY;BYDAY=1TH, at: "15:00", duration: 60m, attendees: [alice], remind_before: [1h] }
`;

describe('re-deriving review timers on the reconcile pass', () => {
  let database: TestDatabase;
  const now = new Date('2026-12-01T08:00:00Z'); // a Tuesday
  const apply = (text: string) =>
    applyGovernanceText(database.db, text, { actor: 'test', source: 'test', now });
  const unitOfWork = () => unitOfWorkWithoutQueue(database.db);
  const weeklyReminder = async () => {
    const rows = await database.db.select().from(timers).where(eq(timers.name, 'review.remind'));
    return rows.find((row) => row.id.includes('.weekly.') && row.cancelledAt === null)?.dueAt.toISOString();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('syncs every series on the first pass, then only after an apply that changed something', async () => {
    await apply(governance('10:00'));
    const pass = syncSeriesOnChange(
      () => readGovernanceRevision(database.db),
      () => now,
    );
    expect(await pass(unitOfWork())).toBe(2);
    expect(await weeklyReminder()).toBe('2026-12-01T09:45:00.000Z');
    expect(await pass(unitOfWork())).toBe(0);

    const revision = await readGovernanceRevision(database.db);
    await apply(governance('10:00'));
    expect(await readGovernanceRevision(database.db)).toBe(revision);
    expect(await pass(unitOfWork())).toBe(0);

    await apply(governance('11:30'));
    expect(await readGovernanceRevision(database.db)).toBe(revision + 1);
    expect(await pass(unitOfWork())).toBe(2);
    expect(await weeklyReminder()).toBe('2026-12-01T11:15:00.000Z');
  });
});
