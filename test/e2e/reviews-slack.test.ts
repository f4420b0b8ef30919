import { readFile } from 'node:fs/promises';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { issues } from '../../db/schema/issues';
import { timers } from '../../db/schema/jobs';
import { reviewOccurrences, reviewRsvps, reviewSeries } from '../../db/schema/reviews';
import { applyGovernanceText } from '../../workflows/governance/index';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import type { FakeSlack, SlackCall } from '../support/fake-slack';
import { writeGovernanceFile } from '../support/governance-file';
import { blockAction, postInteraction, postSlashCommand, viewSubmission } from '../support/slack-requests';
import { waitFor } from '../support/wait';

/** A relationship whose review starts `startInSeconds` from now, reminded `remindSeconds` before. */
const governance = (start: Date, remind: string, duration: string) => `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    channels: { slack: C0GOVERN }
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
      - { id: bob, name: Bob Provider, side: provider, slack: U0BOB, timezone: Asia/Manila }
    escalation:
      executive: erin
      levels:
        - { name: Service delivery, approvers: [dave], respond_within: 4h }
    reviews:
      - id: service-review
        title: Service review
        start: ${start.toISOString()}
        duration: ${duration}
        attendees: [alice, bob, dave]
        remind_before: [${remind}]
        join_url: https://meet.example.com/service-review
`;

describe('review meetings in Slack, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;
  let governanceFile: string;
  let start: Date;

  beforeAll(async () => {
    start = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    governanceFile = await writeGovernanceFile(governance(start, '3s', '4s'));
    bot = await startBotUnderTest({
      governance: { file: governanceFile },
      env: { PUBLIC_URL: 'https://accord.example.com' },
      teams: false,
    });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  const dms = (user: string) =>
    slack.callsTo('chat.postMessage').filter((call) => call.body.channel === user);
  const blocksText = (call: SlackCall) => JSON.stringify(call.body.blocks);
  const buttons = (call: SlackCall) =>
    (
      (call.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]) ?? []
    ).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
  const command = async (userId: string, text: string, channelId?: string) => {
    const response = await postSlashCommand(accord.url, {
      command: '/review',
      text,
      user_id: userId,
      channel_id: channelId,
    });
    const body = await response.text();
    return body ? ((JSON.parse(body) as { text: string }).text ?? '') : '';
  };
  const click = (userId: string, actionId: string, value: string) =>
    postInteraction(
      accord.url,
      blockAction({ userId, actionId, value, channelId: `D${userId}`, messageTs: '1.1' }),
    );

  it('reminds every attendee at the due instant, in their own time zone, with the live agenda and a calendar file', async () => {
    const raised = await postSlashCommand(accord.url, { text: 'Backups failing', user_id: 'U0ALICE' });
    const ref = /ESC-\d+/.exec(((await raised.json()) as { text: string }).text)?.[0];
    const reminder = await waitFor(
      () => dms('U0BOB').find((call) => String(call.body.text).startsWith('Service review starts')),
      {
        what: 'reminder to Bob',
        timeoutMs: 10_000,
      },
    );
    const sentAt = Date.now();
    expect(sentAt - (start.getTime() - 3000)).toBeGreaterThanOrEqual(0);
    expect(blocksText(reminder)).toContain('GMT+8');
    expect(blocksText(reminder)).toContain(`${ref} Backups failing (level 1, medium`);
    expect(blocksText(reminder)).toContain('https://meet.example.com/service-review');
    expect(buttons(reminder).map((b) => b.action_id)).toEqual([
      'review.attend',
      'review.decline',
      'review.agenda',
    ]);
    await waitFor(() =>
      dms('U0ALICE').find((call) => String(call.body.text).startsWith('Service review starts')),
    );
    const aliceReminder = dms('U0ALICE').find((call) =>
      String(call.body.text).startsWith('Service review starts'),
    );
    expect(blocksText(aliceReminder as SlackCall)).toMatch(/GMT/);
    expect(dms('U0ERIN').some((call) => String(call.body.text).startsWith('Service review starts'))).toBe(
      false,
    );

    const link = /https:\/\/accord\.example\.com(\/calendar\/[A-Za-z0-9_-]+\.ics)/.exec(
      blocksText(reminder),
    )?.[1];
    expect(link).toBeDefined();
    const ics = await fetch(`${accord.url}${link}`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const body = await ics.text();
    expect(body).toContain('BEGIN:VTIMEZONE');
    expect(body).toContain('SUMMARY:Service review');
    expect((await fetch(`${accord.url}/calendar/not-a-real-token-at-all-xx.ics`)).status).toBe(404);
  });

  it('records RSVPs, answers with the count, and keeps the organiser’s tally up to date', async () => {
    const reminder = await waitFor(() =>
      dms('U0BOB').find((call) => String(call.body.text).startsWith('Service review starts')),
    );
    const occurrenceId = String(buttons(reminder)[0]?.value);
    await click('U0BOB', 'review.attend', occurrenceId);
    const answer = await waitFor(() =>
      slack
        .callsTo('chat.postEphemeral')
        .find((call) => call.body.user === 'U0BOB' && String(call.body.text).includes('attending')),
    );
    expect(String(answer.body.text)).toContain("So far 1 attending, 0 can't attend, of 3 invited");
    await click('U0DAVE', 'review.decline', occurrenceId);
    const rows = await waitFor(async () => {
      const found = await database.db
        .select()
        .from(reviewRsvps)
        .where(eq(reviewRsvps.occurrenceId, Number(occurrenceId)));
      return found.length === 2 ? found : undefined;
    });
    expect(rows.map((row) => [row.personId, row.response]).sort()).toEqual([
      ['bob', 'yes'],
      ['dave', 'no'],
    ]);
    const tally = await waitFor(() =>
      slack
        .callsTo('chat.update')
        .find(
          (call) =>
            call.body.channel === 'DU0ALICE' &&
            blocksText(call).includes('Attending (1 of 3)') &&
            blocksText(call).includes("Can't attend (1)"),
        ),
    );
    expect(blocksText(tally)).toContain('Bob Provider');
  });

  it('adds an agenda item as a proposed issue', async () => {
    const reminder = await waitFor(() =>
      dms('U0DAVE').find((call) => String(call.body.text).startsWith('Service review starts')),
    );
    const occurrenceId = String(buttons(reminder)[0]?.value);
    await click('U0DAVE', 'review.agenda', occurrenceId);
    const opened = await waitFor(() =>
      slack.callsTo('views.open').find((call) => JSON.stringify(call.body).includes('review.agenda_item')),
    );
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    const response = await postInteraction(
      accord.url,
      viewSubmission({
        userId: 'U0DAVE',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: { title: { title: { type: 'plain_text_input', value: 'Backup retention policy' } } },
      }),
    );
    expect(response.status).toBe(200);
    const [issue] = await database.db
      .select()
      .from(issues)
      .where(eq(issues.title, 'Backup retention policy'));
    expect(issue).toMatchObject({
      status: 'proposed',
      origin: 'agenda',
      proposedBy: 'dave',
      reviewOccurrenceId: Number(occurrenceId),
    });
  });

  it('asks the organiser for minutes when the meeting ends; the minutes create issues and reach everyone', async () => {
    const request = await waitFor(
      () => dms('U0ALICE').find((call) => String(call.body.text).includes('write the minutes')),
      {
        what: 'minutes request',
        timeoutMs: 15_000,
      },
    );
    await click('U0ALICE', 'review.minutes', String(buttons(request)[0]?.value));
    const opened = await waitFor(() =>
      slack.callsTo('views.open').find((call) => JSON.stringify(call.body).includes('review.minutes')),
    );
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    const submit = (actionItems: string) =>
      postInteraction(
        accord.url,
        viewSubmission({
          userId: 'U0ALICE',
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values: {
            notes: { notes: { type: 'plain_text_input', value: 'Reviewed the backup incident' } },
            decisions: { decisions: { type: 'plain_text_input', value: 'Move to daily restore tests' } },
            actionItems: { actionItems: { type: 'plain_text_input', value: actionItems } },
          },
        }),
      );
    const refused = await submit('Fix restore script | zed | 2026-12-24');
    expect(await refused.json()).toMatchObject({
      response_action: 'errors',
      errors: { actionItems: expect.stringContaining('"zed" is not a person') },
    });
    const accepted = await submit('Fix restore script | dave | 2026-12-24\nWrite runbook | Bob Provider');
    expect(accepted.status).toBe(200);
    const created = await database.db.select().from(issues).where(eq(issues.origin, 'minutes'));
    expect(created.map((issue) => [issue.title, issue.owner, issue.dueDate, issue.status])).toEqual([
      ['Fix restore script', 'dave', '2026-12-24', 'open'],
      ['Write runbook', 'bob', null, 'open'],
    ]);
    await waitFor(() =>
      dms('C0GOVERN').find((call) => String(call.body.text).startsWith('Minutes of Service review')),
    );
    await waitFor(() =>
      dms('U0BOB').find((call) => String(call.body.text).startsWith('Minutes of Service review')),
    );
  });

  it('schedules from chat, shows what is next, and refuses a phrase it cannot read with the accepted forms', async () => {
    const scheduled = await command('U0ALICE', 'schedule every tuesday 10:00 Weekly sync');
    expect(scheduled).toMatch(/^Scheduled "Weekly sync" \(chat-[0-9a-f]+\); the next meeting is Tue/);
    const [series] = await database.db.select().from(reviewSeries).where(eq(reviewSeries.source, 'chat'));
    expect(series).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=TU', localTime: '10:00', scheduledBy: 'alice' });
    expect(await command('U0BOB', 'next')).toContain('Weekly sync (Acme and Globex)');
    const refused = await command('U0ALICE', 'schedule whenever suits Weekly sync');
    expect(refused).toContain('every tuesday 10:00');
    expect(await command('U0ALICE', 'agenda')).toContain('Open escalations:');
  });

  it('skips the next meeting: its reminders are cancelled and the following one gets them', async () => {
    const before = await database.db
      .select()
      .from(timers)
      .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt)));
    const weekly = before.filter(
      (timer) => timer.id.startsWith('review.acme.chat-') && timer.name === 'review.remind',
    );
    expect(weekly.length).toBeGreaterThan(0);
    const answer = await command('U0ALICE', `skip ${weekly[0]?.id.split('.')[2]}`);
    expect(answer).toContain('is skipped');
    const after = await database.db
      .select()
      .from(timers)
      .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt)));
    const next = after.filter(
      (timer) => timer.id.startsWith('review.acme.chat-') && timer.name === 'review.remind',
    );
    // Every reminder the series asks for, a week after the skipped meeting's: those of the skipped
    // one that were still ahead (one due before it was scheduled is never invented) and the rest.
    const [series] = await database.db.select().from(reviewSeries).where(eq(reviewSeries.source, 'chat'));
    const offsetOf = (timer: { id: string }) => Number(timer.id.split('.remind.')[1]);
    expect(next.map(offsetOf).sort()).toEqual([...(series?.remindBeforeSeconds ?? [])].sort());
    for (const skipped of weekly) {
      const following = next.find((timer) => offsetOf(timer) === offsetOf(skipped));
      expect((following?.dueAt.getTime() ?? 0) - skipped.dueAt.getTime()).toBe(7 * 86_400_000);
    }
    const skipped = await database.db
      .select()
      .from(reviewOccurrences)
      .where(eq(reviewOccurrences.status, 'skipped'));
    expect(skipped).toHaveLength(1);
  });

  it('reschedules pending reminders when the governance file moves the meeting, and cancels them when it is removed', async () => {
    const later = new Date(Date.now() + 3 * 86_400_000);
    const moved = governance(later, '24h, 15m', '60m');
    await applyGovernanceText(accord.db, moved, { actor: 'test', source: 'test' });
    await accord.runtime.reconcile();
    const pending = async () =>
      (
        await database.db
          .select()
          .from(timers)
          .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt)))
      ).filter((t) => t.id.startsWith('review.acme.service-review.'));
    const reminders = (await pending())
      .filter((t) => t.name === 'review.remind')
      .map((t) => t.dueAt.getTime())
      .sort();
    expect(reminders).toEqual([later.getTime() - 86_400_000, later.getTime() - 900_000]);
    const removed = (await readFile(governanceFile, 'utf8')).replace(/ {4}reviews:[\s\S]*$/, '');
    await applyGovernanceText(accord.db, removed, { actor: 'test', source: 'test' });
    await accord.runtime.reconcile();
    expect(await pending()).toEqual([]);
  });
});
