import { and, isNull, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timers } from '../../db/schema/jobs';
import type { Notice } from '../../workflows/core/notice';
import { applyGovernanceText } from '../../workflows/governance/index';
import { reviewJobs, syncAllSeries } from '../../workflows/reviews/index';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { redisBackendUnderTest, startRuntime } from '../support/job-runtime';
import { testRedisUrl } from '../support/redis';
import { waitFor } from '../support/wait';

const governance = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: bob, name: Bob Provider, side: provider, slack: U0BOB, timezone: Asia/Manila }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN, timezone: America/New_York }
    escalation:
      executive: erin
      levels:
        - { name: First, approvers: [bob], respond_within: 4h }
    reviews:
      - id: weekly
        title: Weekly service review
        rrule: FREQ=WEEKLY;BYDAY=TU
        at: "10:00"
        duration: 60m
        attendees: [alice, bob, erin]
        remind_before: [24h, 15m]
`;

describe('review reminders on a moved clock, across the end of British Summer Time', () => {
  let database: TestDatabase;
  let runtime: ReturnType<typeof startRuntime>;
  let loseAllJobs: () => Promise<void>;
  let now = new Date('2026-10-19T08:00:00Z');
  const clock = { now: () => now };
  const sent: { to: string; notice: Notice }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await applyGovernanceText(database.db, governance, { actor: 'test', source: 'test', now });
    // Logical database 15 is this file's alone: moving the clock flushes it.
    const created = redisBackendUnderTest(testRedisUrl(15)).create(database);
    loseAllJobs = created.loseAllJobs;
    runtime = startRuntime(database, created.backend, {
      clock,
      handlers: Object.fromEntries(
        reviewJobs(database.db, clock, {
          calendarUrl: (token) => `https://accord.example.com/calendar/${token}.ics`,
        }),
      ),
      chat: {
        send: async (recipient, notice) => {
          sent.push({ to: recipient.platform === 'slack' ? recipient.channel : 'teams', notice });
          return { messageId: `m${sent.length}` };
        },
        update: async () => {},
      },
    });
    runtime.startWorkers();
  });
  afterAll(async () => {
    await runtime?.close();
    await database?.drop();
  });

  const pending = async () =>
    (
      await database.db
        .select()
        .from(timers)
        .where(
          and(like(timers.id, 'review.acme.weekly.%'), isNull(timers.firedAt), isNull(timers.cancelledAt)),
        )
    )
      .filter((timer) => timer.name === 'review.remind')
      .map((timer) => timer.dueAt.toISOString())
      .sort();
  const moveClockTo = async (iso: string) => {
    now = new Date(iso);
    await loseAllJobs();
    await syncAllSeries(runtime.unitOfWork, now);
    await runtime.reconcile();
  };

  it('keeps 10:00 London on both sides of the clock change', async () => {
    await syncAllSeries(runtime.unitOfWork, now);
    // Tuesday 20 October 2026 is still summer time: 10:00 BST is 09:00 UTC.
    expect(await pending()).toEqual(['2026-10-19T09:00:00.000Z', '2026-10-20T08:45:00.000Z']);
  });

  it('sends each attendee the reminder when the clock reaches it, in their own time zone', async () => {
    await moveClockTo('2026-10-19T09:00:01Z');
    const reminders = await waitFor(() => {
      const found = sent.filter((r) => r.notice.title === 'Weekly service review');
      return found.length >= 3 ? found : undefined;
    });
    expect(reminders.map((r) => r.to).sort()).toEqual(['U0ALICE', 'U0BOB', 'U0ERIN']);
    const startsFor = (to: string) =>
      reminders.find((r) => r.to === to)?.notice.fields?.find((f) => f.label === 'Starts')?.value;
    expect(startsFor('U0ALICE')).toBe('Tue 20 Oct, 10:00 BST');
    expect(startsFor('U0BOB')).toBe('Tue 20 Oct, 17:00 GMT+8');
    expect(startsFor('U0ERIN')).toBe('Tue 20 Oct, 05:00 GMT-4');
  });

  it('rolls on to the next week after the meeting starts, at 10:00 GMT once summer time has ended', async () => {
    await moveClockTo('2026-10-20T09:00:01Z');
    // Tuesday 27 October 2026 is winter time: 10:00 GMT is 10:00 UTC.
    await waitFor(async () => ((await pending()).includes('2026-10-27T09:45:00.000Z') ? true : undefined));
    expect(await pending()).toEqual(['2026-10-26T10:00:00.000Z', '2026-10-27T09:45:00.000Z']);
  });
});
