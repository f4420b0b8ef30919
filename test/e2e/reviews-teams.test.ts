import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { issues } from '../../db/schema/issues';
import { reviewRsvps, reviewSeries } from '../../db/schema/reviews';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type FakeBotConnector, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack } from '../support/fake-slack';
import {
  type Card,
  cardOf,
  element,
  invokeAction,
  invokedCard,
  postTeamsActivity,
  texts,
} from '../support/teams-cards';
import { waitFor } from '../support/wait';

const BOB = '00000000-0000-4000-8000-0000000000b0';
const STRANGER = '00000000-0000-4000-8000-00000000dead';
const BOB_CHAT = `a:personal-${BOB}`;

/** Bob on Teams comes first by id among the attendees, so he organises the meeting and gets the minutes request. */
const governance = (start: Date) => `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    channels: { slack: C0GOVERN }
    people:
      - { id: bob, name: Bob Provider, side: provider, teams: ${BOB}, timezone: Asia/Manila }
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
    escalation:
      executive: erin
      levels:
        - { name: Service delivery, approvers: [dave], respond_within: 4h }
    reviews:
      - id: service-review
        title: Service review
        start: ${start.toISOString()}
        duration: 4s
        attendees: [bob, dave]
        remind_before: [3s]
`;

describe('review meetings on Teams, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;
  let occurrenceId: string;

  const post = (activity: Record<string, unknown>) => postTeamsActivity(accord.url, connector, activity);

  const message = (text: string, aadObjectId = BOB, extra: Record<string, unknown> = {}) =>
    post({ ...teamsActivity(connector.serviceUrl, { text, aadObjectId }), ...extra });
  const said = async (text: string, aadObjectId = BOB) =>
    (await message(text, aadObjectId)).replies.map((reply) => String(reply.text)).join('\n');

  const invoke = (verb: string, data: Record<string, unknown>, aadObjectId = BOB) =>
    invokeAction(accord.url, connector, { verb, data, aadObjectId });

  /** The first card sent to Bob's chat that has an action with this verb. */
  const bobsCardWith = (verb: string, timeoutMs = 10_000) =>
    waitFor(
      () =>
        connector
          .sent()
          .map((call) => call.conversationId === BOB_CHAT && cardOf(call.activity))
          .find((card): card is Card => !!card && !!card.actions?.some((action) => action.verb === verb)),
      { what: `a card to Bob with ${verb}`, timeoutMs },
    );

  beforeAll(async () => {
    const start = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    bot = await startBotUnderTest({ governance: { yaml: governance(start) } });
    ({ database, slack, connector, accord } = bot);
    // Bob talks to the bot first, so it holds his conversation reference when the reminder is due;
    // his escalation is on the agenda.
    expect(await said('escalate Backups failing')).toMatch(/^ESC-1 is raised/);
  });
  afterAll(() => bot?.close());

  it('answers `review next` and `review agenda` in Bob’s time zone', async () => {
    const next = await said('review next');
    expect(next).toMatch(/^Your next review meetings:\n• Service review \(Acme and Globex\): .+GMT\+8, in /);
    const agenda = await said('review agenda');
    expect(agenda).toMatch(/^Agenda of Service review, .+GMT\+8:/);
    expect(agenda).toContain('ESC-1 Backups failing (level 1, medium');
    expect(await said('review minutes')).toBe('No meeting you organise is waiting for its minutes.');
  });

  it('tells a stranger they are not in the directory, and stores nothing', async () => {
    for (const text of ['review next', 'review schedule every friday 16:00 Coffee']) {
      expect(await said(text, STRANGER)).toContain(
        'add your Teams user (its Azure AD object id) to the governance file',
      );
    }
    expect(await database.db.select().from(reviewSeries).where(eq(reviewSeries.source, 'chat'))).toEqual([]);
  });

  it('answers help typed after the bot mention in a channel in a 1:1 chat, and refuses a phrase it cannot read', async () => {
    const since = connector.calls.length;
    const { replies } = await message('<at>Accord</at> review help', BOB, {
      conversation: {
        id: '19:general@thread.tacv2;messageid=1700000000000',
        conversationType: 'channel',
        isGroup: true,
        tenantId: 'tenant-1',
      },
      channelData: { tenant: { id: 'tenant-1' }, channel: { id: '19:general@thread.tacv2' } },
      entities: [
        { type: 'mention', mentioned: { id: '28:accord-bot', name: 'Accord' }, text: '<at>Accord</at>' },
      ],
    });
    expect(replies).toEqual([]);
    const answered = connector.calls.slice(since).filter((call) => call.conversationId === BOB_CHAT);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.activity.textFormat).toBe('plain');
    expect(String(answered[0]?.activity.text)).toContain('review schedule <when> <title>');
    const refused = await said('review schedule whenever suits Weekly wrap');
    expect(refused).toContain('every tuesday 10:00 Weekly sync');
    expect(await said('review frobnicate')).toContain('"frobnicate" is not a review command.');
  });

  it('reminds Bob with an Adaptive Card in his time zone, with the agenda and the RSVP buttons', async () => {
    const card = await bobsCardWith('review.attend');
    expect(card.version).toBe('1.5');
    const facts = card.body.find((part) => part.type === 'FactSet')?.facts as {
      title: string;
      value: string;
    }[];
    expect(facts.find((fact) => fact.title === 'Starts')?.value).toMatch(/GMT\\\+8$/);
    expect(texts(card)).toContain('ESC\\-1 Backups failing \\(level 1, medium');
    expect(card.actions?.map((action) => [action.type, action.verb, action.title])).toEqual([
      ['Action.Execute', 'review.attend', 'Attend'],
      ['Action.Execute', 'review.decline', "Can't attend"],
      ['Action.Execute', 'review.agenda', 'Add agenda item'],
    ]);
    for (const action of card.actions ?? []) {
      expect(action.fallback).toEqual({ type: 'Action.Submit', title: action.title, data: action.data });
    }
    occurrenceId = String((card.actions?.[0]?.data as { value?: string } | undefined)?.value);
    expect(occurrenceId).toMatch(/^\d+$/);
  });

  it('records Attend from an invoke and answers privately with the count, leaving the card', async () => {
    const { body, replies } = await invoke('review.attend', { action: 'review.attend', value: occurrenceId });
    expect(body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringMatching(/^You are attending Service review on .+GMT\+8\. So far 1 attending/),
    });
    expect(String(body?.value)).toContain("0 can't attend, of 2 invited");
    expect(replies[0]?.conversation).toMatchObject({ id: BOB_CHAT });
    const rows = await database.db
      .select()
      .from(reviewRsvps)
      .where(eq(reviewRsvps.occurrenceId, Number(occurrenceId)));
    expect(rows.map((row) => [row.personId, row.response])).toEqual([['bob', 'yes']]);
  });

  it('changes the answer through the Action.Submit fallback', async () => {
    const { replies } = await message('', BOB, {
      text: undefined,
      value: { action: 'review.decline', value: occurrenceId },
    });
    expect(String(replies[0]?.text)).toMatch(
      /^You can't attend Service review .+ So far 0 attending, 1 can't/,
    );
    const [row] = await database.db
      .select()
      .from(reviewRsvps)
      .where(eq(reviewRsvps.occurrenceId, Number(occurrenceId)));
    expect(row?.response).toBe('no');
  });

  it('adds an agenda item from the form card, refusing an empty title with the values kept', async () => {
    const form = invokedCard(
      (await invoke('review.agenda', { action: 'review.agenda', value: occurrenceId })).body,
    );
    expect(form.version).toBe('1.5');
    expect(element(form, 'title')).toMatchObject({ type: 'Input.Text', maxLength: 150, isRequired: true });
    expect(element(form, 'description')).toMatchObject({
      type: 'Input.Text',
      maxLength: 3000,
      isMultiline: true,
    });
    const data = { action: 'review.agenda.save', value: occurrenceId };
    expect(form.actions).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'review.agenda.save',
        data,
        fallback: expect.objectContaining({ type: 'Action.Submit', data }),
      }),
    ]);

    const refused = invokedCard(
      (await invoke('review.agenda.save', { ...data, title: '   ', description: 'Keep [me](https://x)' }))
        .body,
    );
    expect(texts(refused)).toContain('Give it a title\\.');
    expect(element(refused, 'description')).toMatchObject({ value: 'Keep [me](https://x)' });
    expect(await database.db.select().from(issues)).toEqual([]);

    const saved = invokedCard(
      (await invoke('review.agenda.save', { ...data, title: 'Backup *retention* policy' })).body,
    );
    expect(saved.actions).toBeUndefined();
    expect(texts(saved)).toContain('"Backup \\*retention\\* policy" is proposed');
    const [issue] = await database.db.select().from(issues);
    expect(issue).toMatchObject({
      title: 'Backup *retention* policy',
      status: 'proposed',
      origin: 'agenda',
      proposedBy: 'bob',
      reviewOccurrenceId: Number(occurrenceId),
    });
  });

  it('schedules a weekly series from chat', async () => {
    const scheduled = await said('review schedule every friday 16:00 Weekly wrap');
    // 16:00 in London is past midnight in Manila in winter, 23:00 in summer; Bob reads his own time.
    expect(scheduled).toMatch(
      /^Scheduled "Weekly wrap" \(chat-[0-9a-f]+\); the next meeting is (Sat .+, 00:00|Fri .+, 23:00) GMT\+8\./,
    );
    const [series] = await database.db.select().from(reviewSeries).where(eq(reviewSeries.source, 'chat'));
    expect(series).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=FR', localTime: '16:00', scheduledBy: 'bob' });
    expect(await said('review next')).toContain('Weekly wrap (Acme and Globex)');
  });

  it('asks Bob for the minutes when the meeting ends; the minutes card creates issues from action items', async () => {
    const request = await bobsCardWith('review.minutes', 15_000);
    expect(request.actions?.[0]).toMatchObject({
      type: 'Action.Execute',
      data: { action: 'review.minutes', value: occurrenceId },
      fallback: { type: 'Action.Submit', data: { action: 'review.minutes', value: occurrenceId } },
    });
    const typed = (await message('review minutes')).replies;
    const fromCommand = cardOf(typed[0] ?? {}) as Card;
    expect(texts(fromCommand)).toContain('Service review \\(Acme and Globex\\)');
    const form = invokedCard(
      (await invoke('review.minutes', { action: 'review.minutes', value: occurrenceId })).body,
    );
    expect(form).toEqual(fromCommand);
    for (const id of ['notes', 'decisions', 'actionItems']) {
      expect(element(form, id)).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 3000 });
    }
    expect(texts(form)).toContain('One per line: title \\| owner \\| due date \\(YYYY\\-MM\\-DD\\)');
    const data = { action: 'review.minutes.save', value: occurrenceId };
    expect(form.actions?.[0]).toMatchObject({ type: 'Action.Execute', verb: 'review.minutes.save', data });

    const submit = (actionItems: string) =>
      invoke('review.minutes.save', {
        ...data,
        notes: 'Reviewed the backup incident',
        decisions: 'Move to daily restore tests',
        actionItems,
      });
    const refused = invokedCard((await submit('Fix restore script | zed | 2026-12-24')).body);
    expect(texts(refused)).toContain('"zed" is not a person of Acme and Globex');
    expect(element(refused, 'notes')).toMatchObject({ value: 'Reviewed the backup incident' });
    expect(element(refused, 'actionItems')).toMatchObject({ value: 'Fix restore script | zed | 2026-12-24' });
    expect(await database.db.select().from(issues).where(eq(issues.origin, 'minutes'))).toEqual([]);

    const saved = invokedCard(
      (await submit('Fix restore script | dave | 2026-12-24\nWrite runbook | Bob Provider')).body,
    );
    expect(texts(saved)).toContain('2 action items joined the issue list');
    const created = await database.db.select().from(issues).where(eq(issues.origin, 'minutes'));
    expect(created.map((row) => [row.title, row.owner, row.dueDate, row.status])).toEqual([
      ['Fix restore script', 'dave', '2026-12-24', 'open'],
      ['Write runbook', 'bob', null, 'open'],
    ]);
    await waitFor(
      () =>
        slack
          .callsTo('chat.postMessage')
          .find(
            (call) => call.body.channel === 'C0GOVERN' && String(call.body.text).startsWith('Minutes of'),
          ),
      { what: 'the minutes in the governance channel' },
    );
    expect(await said('review minutes')).toBe('No meeting you organise is waiting for its minutes.');
  });
});
