import { fileURLToPath } from 'node:url';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { absences, escalationDecisions, escalations } from '../../db/schema/escalations';
import { outbox } from '../../db/schema/jobs';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type ConnectorCall, type FakeBotConnector, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack } from '../support/fake-slack';
import { blockAction, postInteraction, postSlashCommand } from '../support/slack-requests';
import { type Attachment, type Card, cardOf, invokeAction, postTeamsActivity } from '../support/teams-cards';
import { waitFor } from '../support/wait';

const GOVERNANCE_FILE = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));
const BOB = '00000000-0000-4000-8000-0000000000b0';
const FRANK = '00000000-0000-4000-8000-0000000000f4';
const STRANGER = '00000000-0000-4000-8000-00000000dead';
/** Not in the governance file either, and never in a chat with the bot. */
const NEWCOMER = '00000000-0000-4000-8000-00000000beef';
const BOB_CHAT = `a:personal-${BOB}`;
/** The governance channel of the "pair" relationship, whose people are all on Slack. */
const PAIR_CHANNEL = '19:pair-governance@thread.tacv2';

describe('escalations on Teams', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { file: GOVERNANCE_FILE } });
    ({ database, slack, connector, accord } = bot);
  });
  afterAll(() => bot?.close());

  const post = (activity: Record<string, unknown>) => postTeamsActivity(accord.url, connector, activity);

  const message = (text: string, aadObjectId = BOB, extra: Record<string, unknown> = {}) =>
    post({ ...teamsActivity(connector.serviceUrl, { text, aadObjectId }), ...extra });

  const invoke = (aadObjectId: string, verb: string, data: Record<string, unknown>, name?: string) =>
    invokeAction(accord.url, connector, { verb, data, aadObjectId, name });

  const replyText = (replies: Record<string, unknown>[]) =>
    replies.map((reply) => String(reply.text)).join('\n');
  const textsOf = (card: Card) => JSON.stringify(card.body);
  /** What the bot sent into Bob's 1:1 chat naming who an escalation went to, once it was routed. */
  const routedToBob = (id: number) =>
    waitFor(
      () =>
        connector
          .sent()
          .filter((sent) => sent.conversationId === BOB_CHAT)
          .map((sent) => JSON.stringify(cardOf(sent.activity)?.body ?? sent.activity.text))
          .find((text) => text.includes(`ESC\\\\-${id} went to`)),
      { what: `who ESC-${id} went to, told to Bob` },
    );

  const raiseOnSlack = async (title: string) => {
    const response = await postSlashCommand(accord.url, { text: title, user_id: 'U0ALICE' });
    const body = (await response.json()) as { text: string };
    const id = Number(/ESC-(\d+)/.exec(body.text)?.[1]);
    expect(id).toBeGreaterThan(0);
    return id;
  };

  const escalation = async (id: number) => {
    const [row] = await database.db.select().from(escalations).where(eq(escalations.id, id));
    if (!row) throw new Error(`no escalation ${id}`);
    return row;
  };

  /** The card the bot sent Bob about an escalation: the connector call and its activity id. */
  const bobsCard = (id: number) =>
    waitFor(
      async () => {
        const rows = await database.db
          .select()
          .from(outbox)
          .where(and(eq(outbox.topic, `escalation:${id}`), isNull(outbox.updateOf)));
        const row = rows.find(
          (candidate) =>
            'aadObjectId' in candidate.recipient &&
            candidate.recipient.aadObjectId === BOB &&
            candidate.platformMessageId,
        );
        const call = connector
          .sent()
          .find(
            (sent) =>
              sent.conversationId === BOB_CHAT &&
              JSON.stringify(cardOf(sent.activity)?.body ?? []).includes(`ESC\\\\-${id}:`),
          );
        return row?.platformMessageId && call ? { call, activityId: row.platformMessageId } : undefined;
      },
      { what: `Bob's card for ESC-${id}` },
    );

  const slackCall = (method: string, match: (body: Record<string, unknown>) => boolean, what: string) =>
    waitFor(() => slack.callsTo(method).find((call) => match(call.body)), { what });

  it('tells someone who is not in the governance directory so, and stores nothing', async () => {
    const { replies } = await message('escalate Coffee machine broken', STRANGER);
    expect(replyText(replies)).toContain('not in the governance directory');
    expect(await database.db.select().from(escalations)).toHaveLength(0);
  });

  it('answers text that is not a command with the help', async () => {
    const { status, replies } = await message('hello there');
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.textFormat).toBe('plain');
    expect(replyText(replies)).toContain('Accord runs the governance');
    expect(replyText(replies)).toContain('escalate list');
    expect(replyText((await message('escalate help')).replies)).toContain('escalate show ESC-12');
  });

  it('raises `escalate <title>` from a 1:1 chat and tells the approver, executive and channel on Slack', async () => {
    const { replies } = await message('escalate Router down');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.conversation).toMatchObject({ id: BOB_CHAT });
    expect(replyText(replies)).toBe('ESC-1 is raised. I will message you who it went to in a moment.');
    expect(await routedToBob(1)).toMatch(/went to Dave Delivery .{1,3}level 1/);

    const toDave = await slackCall(
      'chat.postMessage',
      (body) => body.channel === 'U0DAVE' && JSON.stringify(body).includes('Router down'),
      'the request to Dave',
    );
    const buttons = JSON.stringify(toDave.body.blocks);
    for (const label of ['Approve', 'Reject', 'Escalate now']) expect(buttons).toContain(`"text":"${label}"`);
    await slackCall(
      'chat.postMessage',
      (body) => body.channel === 'U0ERIN' && JSON.stringify(body).includes('Bob Provider raised ESC-1'),
      'the note to Erin',
    );
    await slackCall(
      'chat.postMessage',
      (body) => body.channel === 'C0GOVERN' && JSON.stringify(body).includes('Router down'),
      'the channel post',
    );
    expect(await escalation(1)).toMatchObject({ title: 'Router down', raisedBy: 'bob', status: 'open' });
  });

  /**
   * A message typed in the general channel after the bot's mention (as Teams sends it, other people
   * mentioned too), with the bot's replies in the channel and what it sent to 1:1 chats meanwhile.
   */
  const inChannel = async (text: string, from = BOB, mentions: { id: string; name: string }[] = []) => {
    const since = connector.calls.length;
    const { replies } = await message(`<at>Accord</at> ${text}`, from, {
      conversation: {
        id: '19:general@thread.tacv2;messageid=1700000000000',
        conversationType: 'channel',
        isGroup: true,
        tenantId: 'tenant-1',
      },
      channelData: { tenant: { id: 'tenant-1' }, channel: { id: '19:general@thread.tacv2' } },
      entities: [
        { type: 'mention', mentioned: { id: '28:accord-bot', name: 'Accord' }, text: '<at>Accord</at>' },
        ...mentions.map((mentioned) => ({ type: 'mention', mentioned, text: `<at>${mentioned.name}</at>` })),
      ],
    });
    const privately = connector.calls
      .slice(since)
      .filter((call) => call.method === 'POST' && call.conversationId.startsWith('a:personal-'))
      .map((call) => ({ chat: call.conversationId, text: String(call.activity.text) }));
    return { replies, privately };
  };

  it("answers a command typed in a channel in the person's 1:1 chat, never in the channel", async () => {
    const list = await inChannel('escalate list');
    expect(list.replies).toEqual([]);
    expect(list.privately).toEqual([{ chat: BOB_CHAT, text: expect.stringContaining('ESC-1') }]);
    expect(list.privately[0]?.text).not.toContain('raises and follows escalations');

    // Someone the bot never talked to gets a new 1:1 chat for the answer.
    const stranger = await inChannel('escalate Printer jammed', NEWCOMER);
    expect(stranger.replies).toEqual([]);
    expect(stranger.privately).toEqual([
      {
        chat: expect.not.stringMatching(BOB_CHAT),
        text: expect.stringContaining('not in the governance directory'),
      },
    ]);
    expect(connector.calls.some((call) => call.method === 'POST' && call.path === '/v3/conversations')).toBe(
      true,
    );
  });

  it('shows, resolves and marks away with the same words as Slack', async () => {
    expect(replyText((await message('escalate show ESC-1')).replies)).toContain('ESC-1: Router down');
    expect(replyText((await message('escalate resolve ESC-1 Router replaced')).replies)).toBe(
      'ESC-1 is resolved.',
    );
    expect(await escalation(1)).toMatchObject({ status: 'resolved', resolutionNote: 'Router replaced' });
    expect(replyText((await message('escalate away 3d frank')).replies)).toContain(
      'Frank Provider decides in your place',
    );
    expect(replyText((await message('escalate back')).replies)).toContain('Welcome back');
    expect(replyText((await message('escalate show ESC-999')).replies)).toContain(
      'There is no escalation ESC-999',
    );
  });

  it('says in the channel, without the answer, when it cannot open a private chat', async () => {
    // Teams refuses to create the 1:1 chat (the app is not installed for this person).
    connector.script({ status: 403 });
    const refused = await inChannel('escalate list', '00000000-0000-4000-8000-00000000cafe');
    expect(refused.privately).toEqual([]);
    expect(replyText(refused.replies)).toBe(
      'I could not answer you in a private chat. Open a chat with Accord and ask there.',
    );
  });

  it('takes an @mention in a channel as the delegate, and never raises an escalation from it', async () => {
    const before = (await database.db.select().from(escalations)).length;
    // Teams names the mentioned user by their Teams id only; the bot asks for their AAD id.
    const away = await inChannel('escalate away 3d <at>Frank Provider</at>', BOB, [
      { id: `29:${FRANK}`, name: 'Frank Provider' },
    ]);
    expect(away.privately[0]?.text).toContain('Frank Provider decides in your place');
    const [absence] = await database.db
      .select()
      .from(absences)
      .where(and(eq(absences.personId, 'bob'), isNull(absences.endedAt)));
    expect(absence?.delegateId).toBe('frank');
    expect(connector.calls.some((call) => call.method === 'GET' && call.path.includes('/members/'))).toBe(
      true,
    );
    expect(replyText((await message('escalate back')).replies)).toContain('Welcome back');

    const guest = await inChannel('escalate away 3d <at>Guest Person</at>', BOB, [
      { id: '8:orgid:guest', name: 'Guest Person' },
    ]);
    expect(guest.privately[0]?.text).toContain('I could not find out who Guest Person is in Teams');
    expect(await database.db.select().from(escalations)).toHaveLength(before);
  });

  it('sends an escalation raised on Slack to Bob as an Adaptive Card with his time zone', async () => {
    const id = await raiseOnSlack('Database slow');
    const { call } = await bobsCard(id);
    const attachment = (call.activity.attachments as Attachment[])[0];
    expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachment?.content as Card;
    expect(card.version).toBe('1.5');
    const facts = card.body.find((element) => element.type === 'FactSet')?.facts as {
      title: string;
      value: string;
    }[];
    expect(facts.find((fact) => fact.title === 'Respond by')?.value).toMatch(/GMT\\\+8$/);
    expect(card.body).toContainEqual(expect.objectContaining({ type: 'Input.Text', id: 'reason' }));
    expect(card.actions?.map((action) => action.type)).toEqual([
      'Action.Execute',
      'Action.Execute',
      'Action.Execute',
    ]);
    expect(card.actions?.[1]).toMatchObject({
      verb: 'escalation.reject',
      data: { action: 'escalation.reject', value: `${id}.1` },
      fallback: { type: 'Action.Submit', data: { action: 'escalation.reject', value: `${id}.1` } },
    });
  });

  it('keeps one post per escalation in a Teams governance channel, updated in place when it is decided', async () => {
    // Teams tells the bot about the channel when the bot is added to the team.
    await post({
      ...teamsActivity(connector.serviceUrl, { type: 'conversationUpdate', aadObjectId: FRANK }),
      conversation: { id: PAIR_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
      membersAdded: [{ id: '28:accord-bot' }],
    });
    const response = await postSlashCommand(accord.url, {
      text: 'Twin Ltd missed the cutover',
      user_id: 'U0PIA',
    });
    const id = Number(/ESC-(\d+)/.exec(((await response.json()) as { text: string }).text)?.[1]);
    const aboutIt = (call: ConnectorCall) =>
      JSON.stringify(cardOf(call.activity)?.body ?? []).includes(`ESC\\\\-${id}:`);
    const posted = await waitFor(
      () => connector.sent().find((call) => call.conversationId === PAIR_CHANNEL && aboutIt(call)),
      {
        what: `ESC-${id} posted in the Teams channel`,
      },
    );
    // A post of its own in the channel, not a reply in the thread of what the bot heard there last.
    expect(posted.path).toBe(`/v3/conversations/${encodeURIComponent(PAIR_CHANNEL)}/activities`);
    expect(posted.activity.replyToId).toBeUndefined();
    // Its activity id, once the send is recorded: the update goes to that activity.
    const activityId = await waitFor(
      async () => {
        const rows = await database.db
          .select()
          .from(outbox)
          .where(and(eq(outbox.topic, `escalation:${id}`), isNull(outbox.updateOf)));
        return rows.find((row) => 'conversationId' in row.recipient && row.platformMessageId)
          ?.platformMessageId as string | undefined;
      },
      { what: `the channel post of ESC-${id} recorded as sent` },
    );

    for (const [user, actionId] of [
      ['U0REX', 'escalation.approve'],
      ['U0SAM', 'escalation.reject'],
    ] as const) {
      await postInteraction(
        accord.url,
        blockAction({
          userId: user,
          actionId,
          value: `${id}.1`,
          channelId: `D${user}`,
          messageTs: '1700000000.000200',
        }),
      );
    }
    await waitFor(async () => ((await escalation(id)).status === 'rejected' ? true : undefined), {
      what: `ESC-${id} rejected`,
    });
    expect(await escalation(id)).toMatchObject({ decidedBy: 'sam' });
    const update = await waitFor(
      () =>
        connector.calls.find(
          (call) =>
            call.method === 'PUT' &&
            call.conversationId === PAIR_CHANNEL &&
            call.path.endsWith(`/activities/${activityId}`) &&
            JSON.stringify(cardOf(call.activity)?.body ?? []).includes('Rejected by Sam Approver'),
        ),
      { what: 'the channel post updated with the outcome' },
    );
    expect(cardOf(update.activity)?.actions ?? []).toEqual([]);
    expect(
      connector.sent().filter((call) => call.conversationId === PAIR_CHANNEL && aboutIt(call)),
    ).toHaveLength(1);
  });

  describe('decisions from cards', () => {
    let rejected: number;

    it('rejects through an adaptiveCard/action invoke and refreshes the card in place', async () => {
      rejected = await raiseOnSlack('Invoices late');
      await bobsCard(rejected);
      const { status, body, replies } = await invoke(BOB, 'escalation.reject', {
        action: 'escalation.reject',
        value: `${rejected}.1`,
        reason: 'Not our system',
      });
      expect(status).toBe(200);
      expect(body?.statusCode).toBe(200);
      expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
      const card = body?.value as Card;
      expect(card.version).toBe('1.5');
      expect(card.actions).toBeUndefined();
      expect(textsOf(card)).toContain('Rejected by Bob Provider');
      expect(replyText(replies)).toBe(`You rejected ESC-${rejected}.`);

      expect(await escalation(rejected)).toMatchObject({
        status: 'rejected',
        decidedBy: 'bob',
        decisionReason: 'Not our system',
      });
      await slackCall(
        'chat.update',
        (update) =>
          update.channel === 'DU0DAVE' &&
          JSON.stringify(update).includes(`ESC-${rejected}`) &&
          JSON.stringify(update).includes('Rejected by Bob Provider'),
        "the update of Dave's request",
      );
      for (const channel of ['U0ALICE', 'U0ERIN']) {
        await slackCall(
          'chat.postMessage',
          (sent) =>
            sent.channel === channel &&
            JSON.stringify(sent).includes(`ESC-${rejected} was rejected by Bob Provider`),
          `the note to ${channel}`,
        );
      }
    });

    it('changes nothing on a stale click and shows the card as it stands', async () => {
      const { body, replies } = await invoke(BOB, 'escalation.approve', {
        action: 'escalation.approve',
        value: `${rejected}.1`,
      });
      expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(textsOf(body?.value as Card)).toContain('Rejected by Bob Provider');
      expect(replyText(replies)).toBe(`ESC-${rejected} is already rejected; nothing was changed.`);
      expect(await escalation(rejected)).toMatchObject({
        status: 'rejected',
        decisionReason: 'Not our system',
      });
      const decisions = await database.db
        .select()
        .from(escalationDecisions)
        .where(eq(escalationDecisions.escalationId, rejected));
      expect(decisions).toHaveLength(1);
    });

    it('refuses someone who is not an approver of the level, privately, changing nothing', async () => {
      const id = await raiseOnSlack('Laptops missing');
      const { body, replies } = await invoke(
        FRANK,
        'escalation.approve',
        { action: 'escalation.approve', value: `${id}.1` },
        'Frank Provider',
      );
      expect(body).toEqual({
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: expect.stringContaining('Only the approvers of level 1'),
      });
      expect(replyText(replies)).toContain('Only the approvers of level 1');
      expect(replies[0]?.conversation).toMatchObject({ id: `a:personal-${FRANK}` });
      expect(await escalation(id)).toMatchObject({ status: 'open', level: 1 });
      const decisions = await database.db
        .select()
        .from(escalationDecisions)
        .where(eq(escalationDecisions.escalationId, id));
      expect(decisions).toHaveLength(0);
    });

    it('decides through the Action.Submit fallback and updates the clicked card', async () => {
      const id = await raiseOnSlack('Backups failing');
      const { activityId } = await bobsCard(id);
      const clicked = await message('', BOB, {
        text: undefined,
        replyToId: activityId,
        value: { action: 'escalation.approve', value: `${id}.1`, reason: 'Fine by us' },
      });
      expect(replyText(clicked.replies)).toBe(`You approved ESC-${id}.`);
      // The turn's own update answers the click; the outbox refreshes the same card later on its own.
      const put = connector.calls.find(
        (call: ConnectorCall) =>
          call.method === 'PUT' &&
          call.activity.replyToId === clicked.id &&
          call.conversationId === BOB_CHAT &&
          call.path.endsWith(`/activities/${activityId}`),
      );
      expect(textsOf(cardOf(put?.activity ?? {}) ?? { version: '', body: [] })).toContain(
        'Approved by Bob Provider',
      );
      expect(await escalation(id)).toMatchObject({ status: 'approved', decisionReason: 'Fine by us' });
    });

    it('moves an escalation up on Escalate now, opening a chat with a level-2 approver Teams has not met', async () => {
      const id = await raiseOnSlack('Contract breach');
      await bobsCard(id);
      const { body, replies } = await invoke(BOB, 'escalation.escalate', {
        action: 'escalation.escalate',
        value: `${id}.1`,
      });
      expect(replyText(replies)).toBe(`ESC-${id} moved up to level 2 (Account leadership).`);
      expect(textsOf(body?.value as Card)).toContain('Moved on to level 2');
      expect(await escalation(id)).toMatchObject({ status: 'open', level: 2 });
      const created = await waitFor(
        () =>
          connector.calls.find(
            (call) =>
              call.method === 'POST' &&
              call.path === '/v3/conversations' &&
              JSON.stringify(call.activity.members).includes(FRANK),
          ),
        { what: 'a new chat with Frank' },
      );
      expect(created.activity).toMatchObject({ isGroup: false, tenantId: 'tenant-1' });
      await waitFor(
        () =>
          connector
            .sent()
            .find(
              (call) =>
                call.conversationId.startsWith('a:personal-') &&
                call.conversationId !== BOB_CHAT &&
                JSON.stringify(cardOf(call.activity)?.body ?? []).includes(`ESC\\\\-${id}:`),
            ),
        { what: "Frank's card" },
      );
    });

    it('answers a click it cannot read without changing anything', async () => {
      const { body, replies } = await invoke(BOB, 'escalation.approve', {
        action: 'escalation.approve',
        value: 'x',
      });
      expect(body?.type).toBe('application/vnd.microsoft.activity.message');
      expect(replyText(replies)).toContain('not from Accord');
    });
  });

  describe('the raise form', () => {
    it('answers `escalate` alone with the form card', async () => {
      const { replies } = await message('escalate');
      expect(replies).toHaveLength(1);
      const card = cardOf(replies[0] ?? {}) as Card;
      expect(card.version).toBe('1.5');
      const input = (id: string) => card.body.find((element) => element.id === id);
      expect(input('title')).toMatchObject({ type: 'Input.Text', maxLength: 150, isRequired: true });
      expect(input('description')).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 3000 });
      expect(input('severity')).toMatchObject({
        type: 'Input.ChoiceSet',
        value: 'medium',
        choices: ['low', 'medium', 'high', 'critical'].map((value) => expect.objectContaining({ value })),
      });
      expect(input('goal')).toMatchObject({
        type: 'Input.ChoiceSet',
        choices: [{ title: '99.9% monthly uptime', value: 'acme/uptime' }],
      });
      expect(input('relationship')).toBeUndefined();
      expect(card.actions).toEqual([
        expect.objectContaining({
          type: 'Action.Execute',
          verb: 'escalation.raise',
          data: { action: 'escalation.raise', value: 'acme' },
          fallback: expect.objectContaining({
            type: 'Action.Submit',
            data: { action: 'escalation.raise', value: 'acme' },
          }),
        }),
      ]);
    });

    /** Submits Bob's raise form for acme: a form card must come back, and nothing be stored. */
    const formBackFor = async (fields: Record<string, unknown>) => {
      const before = await database.db.select().from(escalations);
      const { body } = await invoke(BOB, 'escalation.raise', {
        action: 'escalation.raise',
        value: 'acme',
        ...fields,
      });
      expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(await database.db.select().from(escalations)).toHaveLength(before.length);
      return body?.value as Card;
    };

    it('keeps the values and shows the problem when the form does not validate', async () => {
      const card = await formBackFor({ title: '   ', description: 'Keep me', severity: 'high' });
      expect(textsOf(card)).toContain('Give the escalation a title\\\\.');
      expect(card.body.find((element) => element.id === 'description')).toMatchObject({ value: 'Keep me' });
      expect(card.body.find((element) => element.id === 'severity')).toMatchObject({ value: 'high' });
    });

    it('brings the form back when its goal is of another relationship, storing nothing', async () => {
      const card = await formBackFor({ title: 'Disk full', severity: 'high', goal: 'fast/uptime' });
      expect(textsOf(card)).toContain('That goal belongs to another relationship');
      expect(card.body.find((element) => element.id === 'title')).toMatchObject({ value: 'Disk full' });
    });

    it('raises from the submitted form and replaces it with the confirmation', async () => {
      const { body } = await invoke(BOB, 'escalation.raise', {
        action: 'escalation.raise',
        value: 'acme',
        title: 'Disk full',
        description: 'On db-2',
        severity: 'high',
        goal: 'acme/uptime',
      });
      expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
      // The uptime goal has its own levels in the fixture: its first level is the platform team.
      expect(textsOf(body?.value as Card)).toContain('is raised');
      const [row] = await database.db.select().from(escalations).where(eq(escalations.title, 'Disk full'));
      expect(await routedToBob(row?.id ?? 0)).toMatch(
        /went to Carol Chief .{1,3}level 1 .{1,3}Platform team/,
      );
      expect(row).toMatchObject({
        description: 'On db-2',
        severity: 'high',
        goalId: 'uptime',
        raisedBy: 'bob',
      });
    });
  });

  it('escapes markdown and mentions typed into a title before they reach Teams', async () => {
    const id = await raiseOnSlack('Outage [click](https://evil.example) <at>x</at> **now**');
    const { call } = await bobsCard(id);
    const title = (cardOf(call.activity) as Card).body[0]?.text;
    expect(title).toBe(
      `ESC\\-${id}: Outage \\[click\\]\\(https://evil\\.example\\) \\<at\\>x\\</at\\> \\*\\*now\\*\\*`,
    );
    expect(JSON.stringify((cardOf(call.activity) as Card).body)).not.toContain('[click](');
  });
});
