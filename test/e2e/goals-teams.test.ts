import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { goalAgreements, goals } from '../../db/schema/goals';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type FakeBotConnector, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack, SlackCall } from '../support/fake-slack';
import { blockAction, postInteraction } from '../support/slack-requests';
import { type Card, cardOf, invokeAction, postTeamsActivity } from '../support/teams-cards';
import { waitFor } from '../support/wait';

const BOB = '00000000-0000-4000-8000-0000000000b0';
const FRANK = '00000000-0000-4000-8000-0000000000f4';
const STRANGER = '00000000-0000-4000-8000-00000000dead';
const BOB_CHAT = `a:personal-${BOB}`;

const GOVERNANCE = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: carol, name: Carol Chief, side: client, slack: U0CAROL }
      - { id: bob, name: Bob Provider, side: provider, teams: ${BOB}, timezone: Asia/Manila }
      - { id: frank, name: Frank Provider, side: provider, teams: ${FRANK} }
    escalation:
      executive: alice
      levels:
        - { name: Service delivery, approvers: [carol, frank], respond_within: 4h }
    goal_agreement:
      client: [carol]
      provider: [bob]
`;

describe('goals on Teams', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { yaml: GOVERNANCE } });
    ({ database, slack, connector, accord } = bot);
  });
  afterAll(() => bot?.close());

  const post = (activity: Record<string, unknown>) => postTeamsActivity(accord.url, connector, activity);
  const message = (text: string, aadObjectId = BOB, extra: Record<string, unknown> = {}) =>
    post({ ...teamsActivity(connector.serviceUrl, { text, aadObjectId }), ...extra });
  /** Goal buttons carry their verb in the data too, as `action`. */
  const invoke = (aadObjectId: string, verb: string, data: Record<string, unknown>) =>
    invokeAction(accord.url, connector, { verb, data: { action: verb, ...data }, aadObjectId });
  const replyText = (replies: Record<string, unknown>[]) =>
    replies.map((reply) => String(reply.text)).join('\n');
  const rowOf = async (id: string) =>
    (
      await database.db
        .select()
        .from(goals)
        .where(and(eq(goals.relationshipId, 'acme'), eq(goals.id, id)))
    )[0];
  const proposeOnTeams = async (title: string) => {
    const { replies } = await message(`goal propose ${title}`);
    const id = /^Goal (\S+) is proposed/.exec(replyText(replies))?.[1];
    if (!id) throw new Error(`not proposed: ${replyText(replies)}`);
    return { id, text: replyText(replies) };
  };
  const carolsRequest = (id: string) =>
    waitFor(
      () =>
        slack
          .callsTo('chat.postMessage')
          .find(
            (call: SlackCall) =>
              call.body.channel === 'U0CAROL' &&
              JSON.stringify(call.body.blocks).includes(`acme/${id}/1/client`),
          ),
      { what: `Carol's request for ${id}` },
    );

  it('tells someone outside the directory so, and stores nothing', async () => {
    const { replies } = await message('goal propose Free coffee', STRANGER);
    expect(replyText(replies)).toContain('not in the governance directory');
    expect(await database.db.select().from(goals)).toHaveLength(0);
  });

  it('answers `goal help`, and lists goal commands in the general help', async () => {
    expect(replyText((await message('goal help')).replies)).toContain('goal propose <title>');
    expect(replyText((await message('hello')).replies)).toContain('goal list');
  });

  it('proposes with `goal propose <title>`: the client agreer is asked on Slack, the proposer (an agreer) on Teams', async () => {
    const { id, text } = await proposeOnTeams('Reduce invoice errors');
    expect(text).toContain(
      'went to Carol Chief for Acme Corp (the client) and Bob Provider for Globex Services (the provider)',
    );
    expect(await rowOf(id)).toMatchObject({ status: 'proposed', proposedBy: 'bob', source: 'chat' });
    await carolsRequest(id);
    await waitFor(() =>
      connector
        .sent()
        .find(
          (call) =>
            call.conversationId === BOB_CHAT &&
            cardOf(call.activity)?.actions?.[0]?.data?.value === `acme/${id}/1/provider`,
        ),
    );
  });

  it('agrees through an Agree invoke, refuses a non-agreer, and is agreed once the client agrees on Slack', async () => {
    const { id } = await proposeOnTeams('Faster onboarding');
    const refused = await invoke(FRANK, 'goal.agree', { value: `acme/${id}/1/provider` });
    expect(refused.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringContaining('Only the goal agreers'),
    });

    const agreed = await invoke(BOB, 'goal.agree', {
      value: `acme/${id}/1/provider`,
      reason: 'Fine by Globex',
    });
    expect(agreed.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    const card = agreed.body?.value as Card;
    expect(card.actions).toBeUndefined();
    expect(JSON.stringify(card.body)).toContain('You agreed to this goal');
    expect(replyText(agreed.replies)).toContain(
      'Your agreement for Globex Services (the provider) is recorded',
    );
    expect(await rowOf(id)).toMatchObject({ status: 'proposed' });

    const again = await invoke(BOB, 'goal.agree', { value: `acme/${id}/1/provider` });
    expect(replyText(again.replies)).toContain('You already agreed');
    const answers = await database.db.select().from(goalAgreements).where(eq(goalAgreements.goalId, id));
    expect(answers).toEqual([
      expect.objectContaining({ personId: 'bob', side: 'provider', note: 'Fine by Globex' }),
    ]);

    const request = await carolsRequest(id);
    const value = JSON.stringify(request.body.blocks).match(/acme\/[a-z0-9-]+\/1\/client/)?.[0] ?? '';
    await postInteraction(
      accord.url,
      blockAction({
        userId: 'U0CAROL',
        actionId: 'goal.agree',
        value,
        channelId: 'DU0CAROL',
        messageTs: '1.2',
      }),
    );
    await waitFor(async () => ((await rowOf(id))?.status === 'agreed' ? true : undefined), {
      what: 'agreed',
    });
    await waitFor(() =>
      connector.calls.find(
        (call) =>
          call.method === 'PUT' &&
          call.conversationId === BOB_CHAT &&
          JSON.stringify(call.activity).includes(`is agreed by both sides`),
      ),
    );
    const list = replyText((await message('goal list')).replies);
    expect(list).toContain(`Acme Corp: Agreed by Carol Chief; Globex Services: Agreed by Bob Provider`);
  });

  it('answers a click it cannot read without changing anything', async () => {
    const { body, replies } = await invoke(BOB, 'goal.agree', { value: 'x' });
    expect(body?.type).toBe('application/vnd.microsoft.activity.message');
    expect(replyText(replies)).toContain('not from Accord');
  });

  describe('the propose form', () => {
    it('answers `goal propose` alone with the form card', async () => {
      const { replies } = await message('goal propose');
      const card = cardOf(replies[0] ?? {}) as Card;
      const input = (id: string) => card.body.find((element) => element.id === id);
      expect(input('title')).toMatchObject({ type: 'Input.Text', maxLength: 150, isRequired: true });
      expect(input('description')).toMatchObject({ type: 'Input.Text', maxLength: 3000 });
      expect(input('measure')).toMatchObject({ type: 'Input.Text', maxLength: 500 });
      expect(input('targetDate')).toMatchObject({ type: 'Input.Date' });
      expect(input('relationship')).toBeUndefined();
      expect(card.actions?.[0]).toMatchObject({
        verb: 'goal.propose',
        data: { action: 'goal.propose', value: 'acme' },
      });
    });

    it('keeps the values and shows the problem for a target date in the past, storing nothing', async () => {
      const before = (await database.db.select().from(goals)).length;
      const { body } = await invoke(BOB, 'goal.propose', {
        value: 'acme',
        title: 'Green data centre',
        measure: 'PUE under 1.3',
        targetDate: '2020-01-01',
      });
      const card = body?.value as Card;
      expect(JSON.stringify(card.body)).toContain('The target date 2020\\\\-01\\\\-01 is in the past');
      expect(card.body.find((element) => element.id === 'measure')).toMatchObject({ value: 'PUE under 1.3' });
      expect((await database.db.select().from(goals)).length).toBe(before);
    });

    it('proposes from the submitted form and replaces it with the confirmation', async () => {
      const { body } = await invoke(BOB, 'goal.propose', {
        value: 'acme',
        title: 'Green data centre',
        measure: 'PUE under 1.3',
        targetDate: '2099-06-30',
      });
      expect(JSON.stringify((body?.value as Card | undefined)?.body)).toContain(
        'is proposed and went to Carol Chief',
      );
      const [row] = await database.db.select().from(goals).where(eq(goals.title, 'Green data centre'));
      expect(row).toMatchObject({ measure: 'PUE under 1.3', targetDate: '2099-06-30', proposedBy: 'bob' });
    });
  });
});
