import { and, eq, isNull, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goals } from '../../db/schema/goals';
import { issueListPublications } from '../../db/schema/issues';
import { outbox, timers } from '../../db/schema/jobs';
import { risks } from '../../db/schema/risks';
import type { Notice } from '../../workflows/core/notice';
import { applyGovernanceText } from '../../workflows/governance/index';
import { decideIssue, issueJobs, proposeIssue, syncDigests } from '../../workflows/issues/index';
import { liveAgenda } from '../../workflows/reviews/review-agenda';
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
      - { id: carol, name: Carol Chief, side: client, slack: U0CAROL }
      - { id: dave, name: Dave Delivery, side: provider, slack: U0DAVE, timezone: Asia/Manila }
    escalation:
      executive: carol
      levels:
        - { name: First, approvers: [dave], respond_within: 4h }
    issue_list:
      approvers: [carol]
      stakeholders: [alice, carol]
      publish: { rrule: FREQ=WEEKLY;BYDAY=FR, at: "16:00" }
    risks: { agenda_score: 10 }
`;

describe('the issue list on a moved clock: weekly digest and owner reminders', () => {
  let database: TestDatabase;
  let runtime: ReturnType<typeof startRuntime>;
  let now = new Date('2026-12-01T10:00:00Z');
  const clock = { now: () => now };
  const sent: { to: string; notice: Notice }[] = [];
  let loseAllJobs: () => Promise<void>;
  /**
   * Moves the clock. Delayed jobs already wait in real time for the old clock, so the test drops
   * them and lets the reconciler offer every pending timer again, due or not, from Postgres.
   */
  const moveClockTo = async (iso: string) => {
    now = new Date(iso);
    await loseAllJobs();
    await runtime.reconcile();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await applyGovernanceText(database.db, governance, { actor: 'test', source: 'test' });
    // Logical database 14 is this file's alone: moving the clock flushes it.
    const created = redisBackendUnderTest(testRedisUrl(14)).create(database);
    const { backend } = created;
    loseAllJobs = created.loseAllJobs;
    runtime = startRuntime(database, backend, {
      clock,
      handlers: Object.fromEntries(issueJobs(clock)),
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

  const pendingTimers = async (prefix: string) =>
    database.db
      .select()
      .from(timers)
      .where(and(like(timers.id, `${prefix}%`), isNull(timers.firedAt), isNull(timers.cancelledAt)));

  it('schedules the digest at 16:00 London on Fridays, publishes it when due, and schedules the next', async () => {
    await runtime.unitOfWork((work) => syncDigests(work, now));
    const [digest] = await pendingTimers('issue-list-digest.acme.');
    expect(digest?.dueAt.toISOString()).toBe('2026-12-04T16:00:00.000Z');

    const proposed = await proposeIssue(
      { unitOfWork: runtime.unitOfWork, clock },
      {
        relationshipId: 'acme',
        proposedBy: 'alice',
        title: 'Capacity plan',
        owner: 'dave',
        due: '2026-12-10',
      },
    );
    const id = Number(/ISS-(\d+)/.exec(proposed)?.[1]);
    await decideIssue(
      { unitOfWork: runtime.unitOfWork, clock },
      { actor: { platform: 'slack', userId: 'U0CAROL' }, issueId: id, decision: 'approve' },
    );

    await moveClockTo('2026-12-04T16:00:01Z');
    const digestPublication = await waitFor(async () => {
      const rows = await database.db
        .select()
        .from(issueListPublications)
        .where(eq(issueListPublications.reason, 'digest'));
      return rows[0];
    });
    expect(digestPublication.items.map((item) => item.title)).toContain('Capacity plan');
    const digestTitle = `Issue list v${digestPublication.number}:`;
    const recipients = await waitFor(() => {
      const to = sent.filter((s) => s.notice.title.startsWith(digestTitle)).map((s) => s.to);
      return to.length >= 2 ? to.sort() : undefined;
    });
    expect(recipients).toEqual(['U0ALICE', 'U0CAROL']);
    const [next] = await waitFor(async () => {
      const rows = await pendingTimers('issue-list-digest.acme.');
      return rows.length ? rows : undefined;
    });
    expect(next?.dueAt.toISOString()).toBe('2026-12-11T16:00:00.000Z');
  });

  it('reminds the owner the day before, on the day and when overdue, at 09:00 in the owner’s zone', async () => {
    const due = (await pendingTimers('issue-due.'))
      .map((timer) => [timer.id.split('.')[2], timer.dueAt.toISOString()])
      .sort();
    expect(due).toEqual([
      ['before', '2026-12-09T01:00:00.000Z'],
      ['day', '2026-12-10T01:00:00.000Z'],
      ['overdue', '2026-12-11T01:00:00.000Z'],
    ]);
    await moveClockTo('2026-12-10T01:00:05Z');
    const reminders = await waitFor(() => {
      const found = sent.filter((s) => s.to === 'U0DAVE' && s.notice.title.includes('Capacity plan'));
      return found.length >= 2 ? found : undefined;
    });
    expect(reminders.map((s) => s.notice.title).sort()).toEqual([
      expect.stringMatching(/Capacity plan is due today\.$/),
      expect.stringMatching(/Capacity plan is due tomorrow\.$/),
    ]);
    await waitFor(
      async () => {
        const unsent = await database.db
          .select()
          .from(outbox)
          .where(and(isNull(outbox.sentAt), isNull(outbox.failedAt)));
        return unsent.length === 0 ? true : undefined;
      },
      { what: 'every notice delivered' },
    );
    expect(sent.filter((s) => s.to === 'U0DAVE' && s.notice.title.includes('overdue'))).toEqual([]);
  });

  it('puts the risks at or above the agenda score and the goals awaiting agreement on meeting agendas', async () => {
    await database.db.insert(risks).values([
      {
        relationshipId: 'acme',
        title: 'Vendor insolvency',
        likelihood: 2,
        impact: 5,
        raisedBy: 'alice',
        createdAt: now,
        updatedAt: now,
      },
      {
        relationshipId: 'acme',
        title: 'Minor UI lag',
        likelihood: 3,
        impact: 3,
        raisedBy: 'alice',
        createdAt: now,
        updatedAt: now,
      },
    ]);
    await database.db.insert(goals).values({
      relationshipId: 'acme',
      id: 'uptime-999',
      title: '99.9% uptime',
      status: 'proposed',
      source: 'chat',
    });
    const agenda = await liveAgenda(database.db, 'acme', now);
    const section = (heading: string) => agenda.find((s) => s.heading === heading)?.items ?? [];
    expect(section('Highest risks')).toEqual([
      expect.stringMatching(/^RSK-\d+ Vendor insolvency \(score 10\)$/),
    ]);
    expect(section('Goals awaiting agreement')).toEqual(['99.9% uptime (uptime-999)']);
    expect(section('Open issues')).toEqual([
      expect.stringMatching(/Capacity plan, owner dave, due 2026-12-10/),
    ]);
  });
});
