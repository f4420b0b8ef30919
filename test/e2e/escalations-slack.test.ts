import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { escalationDecisions, escalations } from '../../db/schema/escalations';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import type { FakeSlack, SlackCall } from '../support/fake-slack';
import { blockAction, postInteraction, postSlashCommand, viewSubmission } from '../support/slack-requests';
import { waitFor } from '../support/wait';

const fixture = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));

const refOf = (text: string) => Number(/ESC-(\d+)/.exec(text)?.[1]);

/** The raiser's direct message saying who the escalation went to, once the worker routed it. */
const routedMessage = async (slack: FakeSlack, user: string, ref: string) => {
  const call = await waitFor(
    () =>
      slack
        .callsTo('chat.postMessage')
        .find((c) => c.body.channel === user && String(c.body.text).includes(`${ref} went to`)),
    { what: `who ${ref} went to, told to ${user}` },
  );
  return String(call.body.text);
};

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };

describe('escalations in Slack, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { file: fixture } });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  const escalate = async (userId: string, text: string, channelId?: string) => {
    const response = await postSlashCommand(accord.url, { text, user_id: userId, channel_id: channelId });
    expect(response.status).toBe(200);
    const body = await response.text();
    return body
      ? (JSON.parse(body) as { text: string; response_type: string })
      : { text: '', response_type: '' };
  };
  const posts = (channel: string) =>
    slack.callsTo('chat.postMessage').filter((call) => call.body.channel === channel);
  const postAbout = (channel: string, ref: string) =>
    waitFor(() => posts(channel).find((call) => String(call.body.text).includes(ref)), {
      what: `${ref} to ${channel}`,
    });
  const buttonsOf = (call: SlackCall) =>
    ((call.body.blocks as Block[]) ?? []).flatMap((block) =>
      block.type === 'actions' ? (block.elements ?? []) : [],
    );
  const updatesOf = (channel: string) =>
    slack.callsTo('chat.update').filter((call) => call.body.channel === channel);
  const ephemeralsTo = (user: string) =>
    slack
      .callsTo('chat.postEphemeral')
      .filter((call) => call.body.user === user)
      .map((call) => String(call.body.text));
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
  const rowOf = async (id: number) =>
    (await database.db.select().from(escalations).where(eq(escalations.id, id)))[0];
  const routedTo = (user: string, ref: string) => routedMessage(slack, user, ref);

  it('raises with /escalate <title>: the raiser is told privately, approvers, executive and channel are told', async () => {
    const ack = await escalate('U0ALICE', 'Payroll export failing since Monday');
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toMatch(/^ESC-\d+ is raised\. I will message you who it went to in a moment\.$/);
    const ref = `ESC-${refOf(ack.text)}`;
    expect(await routedTo('U0ALICE', ref)).toContain(
      `${ref} went to Bob Provider, Dave Delivery (level 1 (Service delivery)).`,
    );
    const request = await postAbout('U0DAVE', ref);
    expect(buttonsOf(request).map((button) => button.action_id)).toEqual([
      'escalation.approve',
      'escalation.reject',
      'escalation.escalate',
    ]);
    expect(JSON.stringify(request.body.blocks)).toContain('Respond by');
    expect(JSON.stringify(request.body.blocks)).toMatch(/GMT/);
    await postAbout('U0ERIN', ref);
    await postAbout('C0GOVERN', ref);
    expect(posts('U0ALICE')).toHaveLength(1);
  });

  it('answers someone outside the governance directory privately, and stores nothing', async () => {
    const before = (await database.db.select().from(escalations)).length;
    const ack = await escalate('U0STRANGER', 'Let me in');
    expect(ack.text).toContain('not in the governance directory');
    expect((await database.db.select().from(escalations)).length).toBe(before);
  });

  it('refuses a title over 150 characters with a clear private error, storing nothing', async () => {
    const before = (await database.db.select().from(escalations)).length;
    const ack = await escalate('U0ALICE', 'x'.repeat(151));
    expect(ack.text).toBe('The title is too long: at most 150 characters.');
    expect((await database.db.select().from(escalations)).length).toBe(before);
  });

  it('never lets typed text ping anyone or render a link', async () => {
    const ack = await escalate(
      'U0ALICE',
      'Outage <!channel> ask <@U0CAROL> and <!here> see <https://evil.example|here>',
    );
    const ref = `ESC-${refOf(ack.text)}`;
    const request = await postAbout('U0DAVE', ref);
    await postAbout('C0GOVERN', ref);
    for (const call of slack
      .callsTo('chat.postMessage')
      .filter((c) => JSON.stringify(c.body).includes(ref))) {
      const body = JSON.stringify(call.body);
      expect(body).not.toContain('<!channel>');
      expect(body).not.toContain('<!here>');
      expect(body).not.toContain('<@U0CAROL>');
      expect(body).not.toContain('<https://evil.example');
    }
    expect(JSON.stringify(request.body)).toContain('&lt;!channel&gt;');
  });

  it('approves on one click: every message is updated, the raiser and the executive are told', async () => {
    const ack = await escalate('U0ALICE', 'Invoice run blocked');
    const id = refOf(ack.text);
    const request = await postAbout('U0DAVE', `ESC-${id}`);
    const value = String(buttonsOf(request)[0]?.value);
    const channelPost = await postAbout('C0GOVERN', `ESC-${id}`);
    const updatesBefore = updatesOf('C0GOVERN').length;

    const response = await click('U0DAVE', 'escalation.approve', value, 'Fix is deployed');
    expect(response.status).toBe(200);
    await waitFor(() => ephemeralsTo('U0DAVE').find((text) => text.includes(`approved ESC-${id}`)), {
      what: 'private answer',
    });
    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 'approved', decidedBy: 'dave', decisionReason: 'Fix is deployed' });

    await waitFor(
      () =>
        posts('U0ALICE').find((call) =>
          String(call.body.text).includes(`ESC-${id} was approved by Dave Delivery`),
        ),
      {
        what: 'raiser told',
      },
    );
    await waitFor(
      () => posts('U0ERIN').find((call) => String(call.body.text).includes(`ESC-${id} was approved`)),
      {
        what: 'executive told',
      },
    );
    const channelUpdate = await waitFor(
      () =>
        updatesOf('C0GOVERN')
          .slice(updatesBefore)
          .find((call) => JSON.stringify(call.body).includes('Approved by Dave Delivery')),
      { what: 'channel post updated' },
    );
    expect(channelUpdate.body.ts).toBe(channelPost.response?.ts);
    const daveUpdate = await waitFor(() =>
      updatesOf('DU0DAVE').find((call) => JSON.stringify(call.body).includes('Approved by Dave Delivery')),
    );
    expect(buttonsOf(daveUpdate)).toHaveLength(0);
  });

  it('needs every approval of a quorum "all" level: the first is recorded, the second decides', async () => {
    const id = refOf((await escalate('U0PIA', 'Both sides must sign off')).text);
    const ref = `ESC-${id}`;
    const value = String(buttonsOf(await postAbout('U0REX', ref))[0]?.value);
    await postAbout('U0SAM', ref);

    await click('U0REX', 'escalation.approve', value);
    await waitFor(
      () =>
        ephemeralsTo('U0REX').find((text) => text === `Your approval of ${ref} is recorded: 1 of 2 needed.`),
      { what: "Rex's approval counted" },
    );
    expect(await rowOf(id)).toMatchObject({ status: 'open', level: 1, decidedBy: null });
    const rexView = await waitFor(() =>
      updatesOf('DU0REX').find((call) => JSON.stringify(call.body).includes('1 of 2 approvals so far')),
    );
    expect(buttonsOf(rexView)).toHaveLength(0);

    await click('U0SAM', 'escalation.approve', value);
    await waitFor(() => ephemeralsTo('U0SAM').find((text) => text.includes(`approved ${ref}`)), {
      what: "Sam's approval deciding it",
    });
    expect(await rowOf(id)).toMatchObject({ status: 'approved', decidedBy: 'sam' });
    await waitFor(
      () =>
        posts('U0PIA').find((call) => String(call.body.text).includes(`${ref} was approved by Sam Approver`)),
      { what: 'raiser told' },
    );
    await waitFor(
      () =>
        updatesOf('DU0REX').find((call) => JSON.stringify(call.body).includes('Approved by Sam Approver')),
      { what: "Rex's request showing the outcome" },
    );
    expect(posts('U0PIA').filter((call) => String(call.body.text).includes(`${ref} was`))).toHaveLength(1);
  });

  it('rejects a quorum level on one rejection, even after an approval', async () => {
    const id = refOf((await escalate('U0PIA', 'One side objects')).text);
    const ref = `ESC-${id}`;
    const value = String(buttonsOf(await postAbout('U0REX', ref))[0]?.value);
    await click('U0REX', 'escalation.approve', value);
    await waitFor(() =>
      ephemeralsTo('U0REX').find((text) => text.includes(`approval of ${ref} is recorded`)),
    );
    await click('U0SAM', 'escalation.reject', value, 'Not agreed on our side');
    await waitFor(() => ephemeralsTo('U0SAM').find((text) => text.includes(`rejected ${ref}`)), {
      what: "Sam's rejection",
    });
    expect(await rowOf(id)).toMatchObject({
      status: 'rejected',
      decidedBy: 'sam',
      decisionReason: 'Not agreed on our side',
    });
    await waitFor(
      () =>
        posts('U0PIA').find((call) => String(call.body.text).includes(`${ref} was rejected by Sam Approver`)),
      { what: 'raiser told' },
    );
  });

  it('changes nothing on a click from someone who is not deciding this level, and says why privately', async () => {
    const ack = await escalate('U0ALICE', 'Wrong person test');
    const id = refOf(ack.text);
    const value = String(buttonsOf(await postAbout('U0DAVE', `ESC-${id}`))[0]?.value);
    await click('U0CAROL', 'escalation.approve', value);
    const answer = await waitFor(() => ephemeralsTo('U0CAROL').find((text) => text.includes(`ESC-${id}`)));
    expect(answer).toContain('Only the approvers of level 1 (Bob Provider, Dave Delivery)');
    expect((await rowOf(id))?.status).toBe('open');
    await click('U0ALICE', 'escalation.approve', value);
    expect(await waitFor(() => ephemeralsTo('U0ALICE').find((text) => text.includes(`ESC-${id}`)))).toContain(
      'You raised',
    );
    expect((await rowOf(id))?.status).toBe('open');
  });

  it('makes exactly one decision and one notice from a double click', async () => {
    const ack = await escalate('U0ALICE', 'Double click test');
    const id = refOf(ack.text);
    const value = String(buttonsOf(await postAbout('U0DAVE', `ESC-${id}`))[0]?.value);
    await Promise.all([
      click('U0DAVE', 'escalation.approve', value),
      click('U0DAVE', 'escalation.approve', value),
    ]);
    await waitFor(() =>
      posts('U0ALICE').find((call) => String(call.body.text).includes(`ESC-${id} was approved`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const decisions = await database.db
      .select()
      .from(escalationDecisions)
      .where(eq(escalationDecisions.escalationId, id));
    expect(decisions).toHaveLength(1);
    expect(
      posts('U0ALICE').filter((call) => String(call.body.text).includes(`ESC-${id} was approved`)),
    ).toHaveLength(1);
    const answers = await waitFor(() => {
      const found = ephemeralsTo('U0DAVE').filter((text) => text.includes(`ESC-${id}`));
      return found.length === 2 ? found : undefined;
    });
    expect(answers.some((text) => text.includes('already'))).toBe(true);
  });

  it('refreshes a stale click to the current state and changes nothing', async () => {
    const ack = await escalate('U0ALICE', 'Stale click test');
    const id = refOf(ack.text);
    const value = String(buttonsOf(await postAbout('U0DAVE', `ESC-${id}`))[0]?.value);
    await click('U0DAVE', 'escalation.reject', value, 'Not our change');
    await waitFor(async () => ((await rowOf(id))?.status === 'rejected' ? true : undefined));
    const updatesBefore = updatesOf('DU0DAVE').length;
    await click('U0DAVE', 'escalation.approve', value);
    const answer = await waitFor(() =>
      ephemeralsTo('U0DAVE').find((text) => text.includes(`ESC-${id} is already rejected`)),
    );
    expect(answer).toContain('nothing was changed');
    const refreshed = await waitFor(() => updatesOf('DU0DAVE').slice(updatesBefore)[0]);
    expect(JSON.stringify(refreshed.body)).toContain('Rejected by Dave Delivery');
    expect((await rowOf(id))?.status).toBe('rejected');
  });

  it('moves up a level at once on Escalate now', async () => {
    const ack = await escalate('U0ALICE', 'Escalate now test');
    const id = refOf(ack.text);
    const value = String(buttonsOf(await postAbout('U0DAVE', `ESC-${id}`))[0]?.value);
    await click('U0DAVE', 'escalation.escalate', value, 'Needs a budget decision');
    const carol = await postAbout('U0CAROL', `ESC-${id}`);
    expect(buttonsOf(carol)).toHaveLength(3);
    expect((await rowOf(id))?.level).toBe(2);
    await waitFor(() =>
      posts('U0ERIN').find((call) =>
        String(call.body.text).includes(`ESC-${id} moved to level 2 (Account leadership)`),
      ),
    );
  });

  it('lets the escalation executive decide at any level, from the briefing they get', async () => {
    const ack = await escalate('U0ALICE', 'Executive decision test');
    const id = refOf(ack.text);
    const briefing = await waitFor(() =>
      posts('U0ERIN').find((call) =>
        String(call.body.text).includes(`Alice Adams raised ESC-${id} at level 1`),
      ),
    );
    expect(buttonsOf(briefing).map((button) => button.action_id)).toContain('escalation.approve');
    await click('U0ERIN', 'escalation.reject', String(buttonsOf(briefing)[1]?.value), 'Out of scope');
    await waitFor(async () => ((await rowOf(id))?.status === 'rejected' ? true : undefined));
    expect(await rowOf(id)).toMatchObject({ decidedBy: 'erin', decisionReason: 'Out of scope', level: 1 });
    await waitFor(() =>
      posts('U0ALICE').find((call) =>
        String(call.body.text).includes(`ESC-${id} was rejected by Erin Executive`),
      ),
    );
  });

  it('never lets the raiser decide: an approver who raises goes to the level’s other approvers', async () => {
    const ack = await escalate('U0DAVE', 'Raised by an approver');
    const routed = await routedTo('U0DAVE', `ESC-${refOf(ack.text)}`);
    expect(routed).toContain('went to Bob Provider (level 1');
    expect(routed).not.toContain('Dave Delivery');
  });

  it('sends requests to the delegate of an away approver, who decides for them', async () => {
    const away = await escalate('U0CAROL', 'away 1w <@U0ERIN|erin>');
    expect(away.text).toContain('Erin Executive decides in your place');
    const ack = await escalate('U0ALICE', 'Delegation test');
    const id = refOf(ack.text);
    const value = String(buttonsOf(await postAbout('U0DAVE', `ESC-${id}`))[0]?.value);
    await click('U0DAVE', 'escalation.escalate', value);
    const request = await waitFor(() =>
      posts('U0ERIN').find((call) => String(call.body.text).includes(`ESC-${id} needs your decision`)),
    );
    expect(JSON.stringify(request.body.blocks)).toContain('Deciding for');
    await click('U0ERIN', 'escalation.approve', String(buttonsOf(request)[0]?.value));
    await waitFor(async () => ((await rowOf(id))?.status === 'approved' ? true : undefined));
    const [decision] = await database.db
      .select()
      .from(escalationDecisions)
      .where(eq(escalationDecisions.escalationId, id))
      .orderBy(escalationDecisions.id);
    expect(decision).toBeDefined();
    const all = await database.db
      .select()
      .from(escalationDecisions)
      .where(eq(escalationDecisions.escalationId, id));
    expect(all.find((d) => d.personId === 'erin')?.onBehalfOf).toBe('carol');
    expect((await escalate('U0CAROL', 'back')).text).toContain('Welcome back');
  });

  it('lists, shows the timeline, and resolves', async () => {
    const ack = await escalate('U0ALICE', 'Timeline test');
    const id = refOf(ack.text);
    await postAbout('U0DAVE', `ESC-${id}`);
    expect((await escalate('U0ALICE', 'list')).text).toContain(`ESC-${id} Timeline test`);
    expect((await escalate('U0DAVE', 'list')).text).toMatch(
      new RegExp(`Waiting for your decision:[\\s\\S]*ESC-${id}`),
    );
    const refused = await escalate('U0CAROL', `resolve ESC-${id} done`);
    expect(refused.text).toContain('Only Alice Adams');
    expect((await escalate('U0ALICE', `resolve ESC-${id} Vendor fixed it`)).text).toBe(
      `ESC-${id} is resolved.`,
    );
    const shown = (await escalate('U0ALICE', `show ESC-${id}`)).text;
    expect(shown).toContain('Alice Adams raised it at level 1');
    expect(shown).toContain('Alice Adams resolved it: Vendor fixed it');
  });

  it('routes an escalation about a goal with its own levels to that goal’s approvers', async () => {
    const before = slack.callsTo('views.open').length;
    await escalate('U0ALICE', '');
    const opened = await waitFor(() => slack.callsTo('views.open')[before]);
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(JSON.stringify(view)).toContain('acme/uptime');
    const response = await postInteraction(
      accord.url,
      viewSubmission({
        userId: 'U0ALICE',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: {
          title: { title: { type: 'plain_text_input', value: 'Uptime below target' } },
          severity: { severity: { type: 'static_select', selected_option: { value: 'high' } } },
          goal: { goal: { type: 'static_select', selected_option: { value: 'acme/uptime' } } },
        },
      }),
    );
    expect(response.status).toBe(200);
    const [row] = await database.db
      .select()
      .from(escalations)
      .where(eq(escalations.title, 'Uptime below target'));
    expect(row).toMatchObject({ goalId: 'uptime', level: 1 });
    const request = await postAbout('U0CAROL', `ESC-${row?.id}`);
    expect(JSON.stringify(request.body.blocks)).toContain('1 of 2 (Platform team)');
    expect(posts('U0DAVE').some((call) => String(call.body.text).includes(`ESC-${row?.id}`))).toBe(false);
  });

  it('shows help, and opens the form for /escalate alone', async () => {
    expect((await escalate('U0ALICE', 'help')).text).toContain('/escalate away');
    await escalate('U0ALICE', '');
    const opened = await waitFor(() => slack.callsTo('views.open').at(-1));
    expect(JSON.stringify(opened.body.view)).toContain('escalation.raise');
  });
});

describe('raising through the form, for someone in several relationships', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { file: fixture }, teams: false });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  type View = { callback_id: string; private_metadata: string; blocks: { block_id?: string }[] };
  const openForm = async (text: string, channelId?: string) => {
    const before = slack.callsTo('views.open').length;
    const response = await postSlashCommand(accord.url, { text, user_id: 'U0MIA', channel_id: channelId });
    expect(response.status).toBe(200);
    return (await waitFor(() => slack.callsTo('views.open')[before])).body.view as View;
  };
  const submit = (view: View, values: Record<string, Record<string, unknown>>) =>
    postInteraction(
      accord.url,
      viewSubmission({
        userId: 'U0MIA',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values,
      }),
    );
  const formValues = (fields: { title: string; relationship: string; severity?: string }) => ({
    title: { title: { type: 'plain_text_input', value: fields.title } },
    description: { description: { type: 'plain_text_input', value: 'Orders stuck in the queue' } },
    severity: { severity: { type: 'static_select', selected_option: { value: fields.severity ?? 'high' } } },
    relationship: {
      relationship: { type: 'static_select', selected_option: { value: fields.relationship } },
    },
  });

  it('asks which relationship, then raises from the submitted form and confirms by message', async () => {
    const view = await openForm('Orders stuck');
    expect(view.blocks.map((block) => block.block_id)).toContain('relationship');
    const response = await submit(view, formValues({ title: 'Orders stuck', relationship: 'acme' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const [row] = await database.db.select().from(escalations).where(eq(escalations.raisedBy, 'mia'));
    expect(row).toMatchObject({
      relationshipId: 'acme',
      severity: 'high',
      description: 'Orders stuck in the queue',
    });
    expect(await routedMessage(slack, 'U0MIA', `ESC-${row?.id}`)).toContain('(level 1');
  });

  it('keeps the form open with the error on the field when the title is missing', async () => {
    const view = await openForm('');
    const response = await submit(view, formValues({ title: '   ', relationship: 'fast' }));
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: { title: 'Give the escalation a title.' },
    });
  });

  it('takes the relationship from the governance channel the command was typed in', async () => {
    const response = await postSlashCommand(accord.url, {
      text: 'From the channel',
      user_id: 'U0MIA',
      channel_id: 'C0GOVERN',
    });
    const ref = `ESC-${refOf(((await response.json()) as { text: string }).text)}`;
    expect(await routedMessage(slack, 'U0MIA', ref)).toContain(`${ref} went to Bob Provider, Dave Delivery`);
  });
});
