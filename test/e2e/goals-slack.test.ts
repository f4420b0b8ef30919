import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { auditEvents } from '../../db/schema/audit';
import { goalAgreements, goals } from '../../db/schema/goals';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type FakeBotConnector, postActivity, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack, SlackCall } from '../support/fake-slack';
import { blockAction, postInteraction, postSlashCommand, viewSubmission } from '../support/slack-requests';
import { waitFor } from '../support/wait';

const BOB = '00000000-0000-4000-8000-0000000000b0';
const BOB_CHAT = `a:personal-${BOB}`;

const GOALS_GOVERNANCE = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    channels:
      slack: C0GOVERN
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: carol, name: Carol Chief, side: client, slack: U0CAROL }
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
      - { id: bob, name: Bob Provider, side: provider, teams: ${BOB}, timezone: Asia/Manila }
      - { id: frank, name: Frank Provider, side: provider, teams: 00000000-0000-4000-8000-0000000000f4 }
    escalation:
      executive: erin
      levels:
        - { name: Service delivery, approvers: [dave, frank], respond_within: 4h }
    goals:
      - { id: uptime, title: 99.9% monthly uptime, owner: bob }
    goal_agreement:
      client: [carol]
      provider: [bob]
`;

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };
type Card = { body: Record<string, unknown>[]; actions?: { verb?: string; data?: { value?: string } }[] };

describe('goals in Slack, agreed across Slack and Teams, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { yaml: GOALS_GOVERNANCE } });
    ({ database, slack, connector, accord } = bot);
    // Teams tells the bot where Bob can be reached once he has talked to it.
    await postActivity(
      accord.url,
      teamsActivity(connector.serviceUrl, { text: 'goal help', aadObjectId: BOB }),
    );
  });
  afterAll(() => bot?.close());

  const goal = async (userId: string, text: string) => {
    const response = await postSlashCommand(accord.url, { command: '/goal', text, user_id: userId });
    expect(response.status).toBe(200);
    const body = await response.text();
    return body ? String((JSON.parse(body) as { text: string }).text) : '';
  };
  const propose = async (title: string) => {
    const text = await goal('U0ALICE', `propose ${title}`);
    const id = /^Goal ([a-z0-9-]+) is proposed/.exec(text)?.[1];
    if (!id) throw new Error(`not proposed: ${text}`);
    return id;
  };
  const buttonsOf = (call: SlackCall) =>
    ((call.body.blocks as Block[]) ?? []).flatMap((block) =>
      block.type === 'actions' ? (block.elements ?? []) : [],
    );
  const requestsTo = (channel: string, id: string) =>
    slack
      .callsTo('chat.postMessage')
      .filter(
        (call) => call.body.channel === channel && buttonsOf(call).some((b) => b.value?.includes(`/${id}/`)),
      );
  const requestTo = (channel: string, id: string, round = 1) =>
    waitFor(
      () => requestsTo(channel, id).find((call) => buttonsOf(call)[0]?.value?.endsWith(`/${round}/client`)),
      {
        what: `round ${round} request for ${id} to ${channel}`,
      },
    );
  const bobsCard = (id: string, round = 1) =>
    waitFor(
      () =>
        connector.sent().find((call) => {
          const card = (call.activity.attachments as { content: Card }[] | undefined)?.[0]?.content;
          return (
            call.conversationId === BOB_CHAT &&
            card?.actions?.[0]?.data?.value === `acme/${id}/${round}/provider`
          );
        }),
      { what: `Bob's round ${round} card for ${id}` },
    );
  const ephemeral = (user: string, part: string) =>
    waitFor(
      () =>
        slack
          .callsTo('chat.postEphemeral')
          .map((call) => call.body)
          .find((body) => body.user === user && String(body.text).includes(part)),
      { what: `private answer to ${user} with "${part}"` },
    ).then((body) => String(body.text));
  const click = (userId: string, actionId: string, value: string, reason?: string) =>
    postInteraction(
      accord.url,
      blockAction({
        userId,
        actionId,
        value,
        channelId: `D${userId}`,
        messageTs: '1700000000.000100',
        reason,
      }),
    );
  const bobInvokes = (verb: string, value: string, reason?: string) =>
    postActivity(
      accord.url,
      teamsActivity(connector.serviceUrl, {
        type: 'invoke',
        invokeName: 'adaptiveCard/action',
        aadObjectId: BOB,
        value: {
          action: {
            type: 'Action.Execute',
            verb,
            data: { action: verb, value, ...(reason ? { reason } : {}) },
          },
        },
      }),
    );
  const rowOf = async (id: string) =>
    (
      await database.db
        .select()
        .from(goals)
        .where(and(eq(goals.relationshipId, 'acme'), eq(goals.id, id)))
    )[0];
  const answersOf = (id: string) =>
    database.db.select().from(goalAgreements).where(eq(goalAgreements.goalId, id));
  const updates = (channel: string, part: string) =>
    slack
      .callsTo('chat.update')
      .filter((call) => call.body.channel === channel && JSON.stringify(call.body).includes(part));

  it('proposes with /goal propose: the client agreer on Slack, the provider agreer on Teams and the channel are told', async () => {
    const text = await goal('U0ALICE', 'propose Halve the ticket backlog');
    expect(text).toMatch(
      /^Goal halve-the-ticket-backlog-[0-9a-f]{4} is proposed and went to Carol Chief for Acme Corp \(the client\) and Bob Provider for Globex Services \(the provider\) for agreement\.$/,
    );
    const id = /Goal (\S+) is proposed/.exec(text)?.[1] ?? '';
    expect(await rowOf(id)).toMatchObject({
      status: 'proposed',
      round: 1,
      source: 'chat',
      proposedBy: 'alice',
    });
    const request = await requestTo('U0CAROL', id);
    expect(buttonsOf(request).map((button) => button.action_id)).toEqual([
      'goal.agree',
      'goal.reject',
      'goal.change',
    ]);
    const card = (await bobsCard(id)).activity.attachments as { content: Card }[];
    expect(card[0]?.content.actions?.map((action) => action.verb)).toEqual([
      'goal.agree',
      'goal.reject',
      'goal.change',
    ]);
    expect(card[0]?.content.body).toContainEqual(
      expect.objectContaining({ type: 'Input.Text', id: 'reason' }),
    );
    await waitFor(() =>
      slack
        .callsTo('chat.postMessage')
        .find((call) => call.body.channel === 'C0GOVERN' && JSON.stringify(call.body).includes(id)),
    );
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subject, `goal:acme/${id}`));
    expect(audit).toMatchObject({ kind: 'goal.proposed', actor: 'alice' });
  });

  it('stays proposed with one side agreed, and is agreed once both sides are, updating every message', async () => {
    const id = await propose('Ship the self-service portal');
    const value = String(buttonsOf(await requestTo('U0CAROL', id))[0]?.value);
    await bobsCard(id);
    await click('U0CAROL', 'goal.agree', value);
    expect(await ephemeral('U0CAROL', id)).toContain('Your agreement for Acme Corp (the client) is recorded');
    expect(await rowOf(id)).toMatchObject({ status: 'proposed' });

    const response = await bobInvokes('goal.agree', `acme/${id}/1/provider`);
    const body = (await response.json()) as { value: Card };
    expect(JSON.stringify(body.value.body)).toContain('Agreed by both sides');
    expect(body.value.actions).toBeUndefined();
    expect(await rowOf(id)).toMatchObject({ status: 'agreed' });

    const carolUpdate = await waitFor(() =>
      updates('DU0CAROL', id).find((call) => JSON.stringify(call.body).includes('is agreed by both sides')),
    );
    expect(buttonsOf(carolUpdate)).toHaveLength(0);
    await waitFor(() =>
      updates('C0GOVERN', id).find((call) => JSON.stringify(call.body).includes('Agreed by Bob Provider')),
    );
    await waitFor(() =>
      connector.calls.find(
        (call) =>
          call.method === 'PUT' &&
          call.conversationId === BOB_CHAT &&
          JSON.stringify(call.activity).includes('Agreed by both sides'),
      ),
    );
    await waitFor(() =>
      slack
        .callsTo('chat.postMessage')
        .find(
          (call) =>
            call.body.channel === 'U0ALICE' &&
            String(call.body.text).includes(`Goal ${id} is agreed by both sides`),
        ),
    );
    const kinds = (
      await database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.subject, `goal:acme/${id}`))
    ).map((e) => e.kind);
    expect(kinds).toEqual(['goal.proposed', 'goal.agreement_recorded', 'goal.agreed']);
  });

  it("changes nothing when the client's agreer clicks the provider's request, or a non-agreer clicks, and says why", async () => {
    const id = await propose('Monthly capacity report');
    await requestTo('U0CAROL', id);
    await click('U0CAROL', 'goal.agree', `acme/${id}/1/provider`);
    expect(await ephemeral('U0CAROL', 'nobody agrees for both sides')).toContain(
      'You agree goals for Acme Corp (the client), and this request is for Globex Services (the provider)',
    );
    await click('U0ALICE', 'goal.agree', `acme/${id}/1/client`);
    expect(await ephemeral('U0ALICE', id)).toContain(
      'Only the goal agreers (Carol Chief for Acme Corp (the client) and Bob Provider for Globex Services (the provider))',
    );
    expect(await answersOf(id)).toHaveLength(0);
    expect(await rowOf(id)).toMatchObject({ status: 'proposed', round: 1 });
  });

  it('resets both agreements on Propose change, re-sends both requests and marks the old ones out of date', async () => {
    const id = await propose('Cut incident response time');
    const old = String(buttonsOf(await requestTo('U0CAROL', id))[0]?.value);
    await bobsCard(id);
    await click('U0CAROL', 'goal.agree', old);
    await ephemeral('U0CAROL', `Your agreement for Acme Corp`);

    await click('U0CAROL', 'goal.change', old);
    expect(await ephemeral('U0CAROL', 'Type the change')).toContain('Type the change you propose');
    const response = await bobInvokes('goal.change', `acme/${id}/1/provider`, 'Under 30 minutes, not 15');
    expect(JSON.stringify(await response.json())).toContain('Out of date');
    expect(await rowOf(id)).toMatchObject({ status: 'proposed', round: 2 });

    const fresh = await requestTo('U0CAROL', id, 2);
    expect(JSON.stringify(fresh.body.blocks)).toContain('Under 30 minutes, not 15');
    expect(JSON.stringify(fresh.body.blocks)).toContain('Waiting for Carol Chief');
    await bobsCard(id, 2);
    await waitFor(() =>
      updates('DU0CAROL', id).find((call) => JSON.stringify(call.body).includes('Out of date')),
    );

    await click('U0CAROL', 'goal.agree', old);
    expect(await ephemeral('U0CAROL', 'was not recorded')).toContain('now in round 2');
    const answers = await answersOf(id);
    expect(answers.map((a) => [a.round, a.side, a.decision])).toEqual([
      [1, 'client', 'agree'],
      [1, 'provider', 'change'],
    ]);
    expect(answers[1]?.note).toBe('Under 30 minutes, not 15');
    await waitFor(() =>
      slack
        .callsTo('chat.postMessage')
        .find(
          (call) =>
            call.body.channel === 'U0ALICE' &&
            String(call.body.text).includes('Bob Provider proposed a change'),
        ),
    );
  });

  it('records a rejection, keeps the goal proposed and tells the proposer', async () => {
    const id = await propose('Move hosting to the cloud');
    const value = String(buttonsOf(await requestTo('U0CAROL', id))[1]?.value);
    await click('U0CAROL', 'goal.reject', value, 'Not this year');
    expect(await ephemeral('U0CAROL', id)).toBe(`You rejected goal ${id} for Acme Corp (the client).`);
    expect(await rowOf(id)).toMatchObject({ status: 'proposed', round: 1 });
    expect(await answersOf(id)).toEqual([
      expect.objectContaining({ decision: 'reject', note: 'Not this year', personId: 'carol' }),
    ]);
    await waitFor(() =>
      slack
        .callsTo('chat.postMessage')
        .find(
          (call) =>
            call.body.channel === 'U0ALICE' &&
            String(call.body.text).includes(`Carol Chief rejected goal ${id}`),
        ),
    );
    await click('U0CAROL', 'goal.agree', value);
    expect(await ephemeral('U0CAROL', 'already rejected')).toContain(`You already rejected goal ${id}`);
  });

  it("lists every goal with its status and each side's agreement", async () => {
    const id = await propose('Publish a service catalogue');
    await click('U0CAROL', 'goal.agree', String(buttonsOf(await requestTo('U0CAROL', id))[0]?.value));
    await ephemeral('U0CAROL', `goal ${id} is agreed once`);
    const list = await goal('U0DAVE', 'list');
    expect(list).toContain('Goals of Acme and Globex:');
    expect(list).toContain('• uptime: 99.9% monthly uptime — Agreed by both sides');
    expect(list).toContain('Acme Corp: Agreed in the governance file');
    expect(list).toContain(
      `• ${id}: Publish a service catalogue — Proposed (round 1): waiting for both sides to agree\n    Acme Corp: Agreed by Carol Chief; Globex Services: Waiting for Bob Provider`,
    );
  });

  it('marks goals achieved or dropped by the proposer, owner or executive only, with audit records', async () => {
    expect(await goal('U0CAROL', 'achieved uptime')).toContain(
      'Only Bob Provider (its owner) or Erin Executive (the escalation executive)',
    );
    expect(await goal('U0ERIN', 'achieved uptime')).toBe('Goal uptime is achieved.');
    expect(await rowOf('uptime')).toMatchObject({ status: 'achieved' });
    const id = await propose('Quarterly security audit');
    expect(await goal('U0ALICE', `achieved ${id}`)).toContain('is not agreed yet');
    expect(await goal('U0ALICE', `drop ${id}`)).toContain('Say why');
    expect(await goal('U0ALICE', `drop ${id} Covered by the new contract`)).toBe(`Goal ${id} is dropped.`);
    expect(await rowOf(id)).toMatchObject({ status: 'dropped' });
    const [dropped] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subject, `goal:acme/${id}`), eq(auditEvents.kind, 'goal.dropped')));
    expect(dropped).toMatchObject({
      actor: 'alice',
      data: { from: 'proposed', reason: 'Covered by the new contract' },
    });
    await waitFor(() =>
      updates('DU0CAROL', id).find((call) =>
        JSON.stringify(call.body).includes('was dropped by Alice Adams'),
      ),
    );
  });

  it('answers bad input with a clear error and stores nothing', async () => {
    const before = (await database.db.select().from(goals)).length;
    expect(await goal('U0ALICE', `propose ${'x'.repeat(10_240)}`)).toBe(
      'The title is too long: at most 150 characters.',
    );
    expect(await goal('U0STRANGER', 'propose Let me in')).toContain('not in the governance directory');
    expect(await goal('U0ALICE', 'achieved no-such-goal')).toBe(
      'There is no goal "no-such-goal" in your relationships (goal list shows them).',
    );
    expect(await goal('U0ALICE', 'frobnicate')).toContain('/goal propose &lt;title&gt;');
    expect(await goal('U0ALICE', 'help')).toContain('/goal drop &lt;id&gt; &lt;reason&gt;');
    expect((await database.db.select().from(goals)).length).toBe(before);
  });

  it('proposes through the form, refusing a target date in the past on its field', async () => {
    const before = slack.callsTo('views.open').length;
    expect(await goal('U0ALICE', 'propose')).toBe('');
    const view = (await waitFor(() => slack.callsTo('views.open')[before])).body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string }[];
    };
    expect(view.blocks.map((block) => block.block_id)).toEqual([
      'title',
      'description',
      'measure',
      'targetDate',
    ]);
    const submit = (targetDate: string) =>
      postInteraction(
        accord.url,
        viewSubmission({
          userId: 'U0ALICE',
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values: {
            title: { title: { type: 'plain_text_input', value: 'Net promoter score <!channel>' } },
            description: { description: { type: 'plain_text_input', value: 'Ask every quarter' } },
            measure: { measure: { type: 'plain_text_input', value: 'NPS of 40 or more' } },
            targetDate: { targetDate: { type: 'datepicker', selected_date: targetDate } },
          },
        }),
      );
    const count = (await database.db.select().from(goals)).length;
    const refused = await submit('2020-01-01');
    expect(await refused.json()).toEqual({
      response_action: 'errors',
      errors: { targetDate: expect.stringContaining('The target date 2020-01-01 is in the past') },
    });
    expect((await database.db.select().from(goals)).length).toBe(count);
    const accepted = await submit('2099-12-31');
    expect(await accepted.text()).toBe('');
    const [row] = await database.db.select().from(goals).where(eq(goals.measure, 'NPS of 40 or more'));
    expect(row).toMatchObject({
      targetDate: '2099-12-31',
      description: 'Ask every quarter',
      status: 'proposed',
    });
    const request = await requestTo('U0CAROL', row?.id ?? '');
    expect(JSON.stringify(request.body)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(request.body)).not.toContain('<!channel>');
  });
});
