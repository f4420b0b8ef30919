import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { issues } from '../../db/schema/issues';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type FakeBotConnector, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack } from '../support/fake-slack';
import { postSlashCommand } from '../support/slack-requests';
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
const TINA = '00000000-0000-4000-8000-0000000000c0';
const STRANGER = '00000000-0000-4000-8000-00000000dead';
const BOB_CHAT = `a:personal-${BOB}`;
const TINA_CHAT = `a:personal-${TINA}`;

const governance = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: bob, name: Bob Provider, side: provider, teams: ${BOB} }
      - { id: tina, name: Tina Teams, side: provider, teams: ${TINA} }
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
    escalation:
      executive: erin
      levels:
        - { name: First, approvers: [dave], respond_within: 4h }
    issue_list:
      approvers: [bob]
      stakeholders: [alice, tina]
      debounce: 2s
`;

describe('the issue list on Teams, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;
  let firstId: number;

  const post = (activity: Record<string, unknown>) => postTeamsActivity(accord.url, connector, activity);

  const message = (text: string, aadObjectId: string) =>
    post(teamsActivity(connector.serviceUrl, { text, aadObjectId }));
  const said = async (text: string, aadObjectId: string) =>
    (await message(text, aadObjectId)).replies.map((reply) => String(reply.text)).join('\n');
  const invoke = (verb: string, data: Record<string, unknown>, aadObjectId: string) =>
    invokeAction(accord.url, connector, { verb, data, aadObjectId });
  /** Bob's approval request for an issue, as the delivery worker sent it. */
  const requestFor = (id: number) =>
    waitFor(
      () =>
        connector
          .sent()
          .map((call) => call.conversationId === BOB_CHAT && cardOf(call.activity))
          .find(
            (card): card is Card =>
              !!card &&
              !!card.actions?.some((action) => (action.data as { value?: string }).value === `${id}`),
          ),
      { what: `the request for ISS-${id} to Bob` },
    );
  const rowOf = async (id: number) => (await database.db.select().from(issues).where(eq(issues.id, id)))[0];
  const issueCount = async () => (await database.db.select().from(issues)).length;
  const idIn = (text: string) => Number(/ISS-(\d+)/.exec(text)?.[1]);

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { yaml: governance } });
    ({ database, slack, connector, accord } = bot);
    // Bob and Tina talk to the bot first, so it holds their conversation references.
    for (const person of [BOB, TINA]) {
      expect(await said('issue help', person)).toContain('issue add <title>: propose an issue');
    }
  });
  afterAll(() => bot?.close());

  it('sends a proposal from Slack to Bob as an Adaptive Card with Approve, Reject and Edit', async () => {
    const response = await postSlashCommand(accord.url, {
      command: '/issue',
      text: 'add Backups not verified',
      user_id: 'U0ALICE',
    });
    const answer = ((await response.json()) as { text: string }).text;
    expect(answer).toMatch(
      /^ISS-\d+ "Backups not verified" is proposed .+ went to Bob Provider for approval\.$/,
    );
    firstId = idIn(answer);
    const card = await requestFor(firstId);
    expect(card.version).toBe('1.5');
    expect(texts(card)).toContain(`ISS\\-${firstId}: Backups not verified`);
    expect(element(card, 'note')).toMatchObject({ type: 'Input.Text' });
    expect(card.actions?.map((action) => [action.type, action.verb, action.title])).toEqual([
      ['Action.Execute', 'issue.approve', 'Approve'],
      ['Action.Execute', 'issue.reject', 'Reject'],
      ['Action.Execute', 'issue.edit', 'Edit'],
    ]);
    for (const action of card.actions ?? []) {
      expect(action.data).toEqual({ action: action.verb, value: String(firstId) });
      expect(action.fallback).toEqual({ type: 'Action.Submit', title: action.title, data: action.data });
    }
  });

  it('refuses a non-approver privately and changes nothing', async () => {
    const data = { action: 'issue.approve', value: String(firstId) };
    const { body, replies } = await invoke('issue.approve', data, TINA);
    expect(body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: `Only the issue list's approvers (Bob Provider) can decide ISS-${firstId}.`,
    });
    expect(replies[0]?.conversation).toMatchObject({ id: TINA_CHAT });
    expect((await rowOf(firstId))?.status).toBe('proposed');
  });

  it("opens the issue on Bob's Approve with his note, answers with the updated card, then publishes v1 to Tina", async () => {
    const { body, replies } = await invoke(
      'issue.approve',
      { action: 'issue.approve', value: String(firstId), note: 'Agreed in the review' },
      BOB,
    );
    const card = invokedCard(body);
    expect(texts(card)).toContain(`ISS\\-${firstId} was approved onto the issue list by Bob Provider\\.`);
    expect(card.actions).toBeUndefined();
    expect(replies.map((reply) => reply.text)).toEqual([`You approved ISS-${firstId}.`]);
    expect((await rowOf(firstId))?.status).toBe('open');
    await waitFor(() =>
      slack
        .callsTo('chat.postMessage')
        .find(
          (call) =>
            call.body.channel === 'U0ALICE' &&
            String(call.body.text).includes('by Bob Provider: Agreed in the review'),
        ),
    );
    const v1 = await waitFor(
      () =>
        connector
          .sent()
          .map((call) => call.conversationId === TINA_CHAT && cardOf(call.activity))
          .find((sent): sent is Card => !!sent && texts(sent).startsWith('Issue list v1')),
      { what: 'v1 to Tina' },
    );
    expect(v1.fallbackText).toMatch(/^Issue list v1: 1 open, 1 new, 0 closed/);
    expect(texts(v1)).toContain(`ISS\\-${firstId} Backups not verified`);
  });

  it('proposes with `issue add <title>` from Teams, and lets Bob edit the proposal from its card', async () => {
    const answer = await said('issue add Monitoring gaps', TINA);
    expect(answer).toMatch(/^ISS-\d+ "Monitoring gaps" is proposed .+ went to Bob Provider for approval\.$/);
    const id = idIn(answer);
    await requestFor(id);

    const form = invokedCard(
      (await invoke('issue.edit', { action: 'issue.edit', value: String(id) }, BOB)).body,
    );
    expect(element(form, 'title')).toMatchObject({ value: 'Monitoring gaps' });
    expect(element(form, 'priority')).toMatchObject({ value: 'medium' });
    const data = { action: 'issue.edit.save', value: String(id) };
    expect(form.actions).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'issue.edit.save',
        data,
        fallback: expect.objectContaining({ type: 'Action.Submit', data }),
      }),
    ]);

    const refused = invokedCard(
      (await invoke('issue.edit.save', { ...data, title: 'Monitoring gaps', due: '2020-01-01' }, BOB)).body,
    );
    expect(texts(refused)).toContain('The due date 2020\\-01\\-01 is in the past\\.');
    expect(element(refused, 'due')).toMatchObject({ value: '2020-01-01' });

    const saved = invokedCard(
      (
        await invoke(
          'issue.edit.save',
          { ...data, title: 'Monitoring gaps in production', priority: 'high', owner: 'acme/tina' },
          BOB,
        )
      ).body,
    );
    expect(texts(saved)).toContain(`ISS\\-${id} is updated; it still waits for approval\\.`);
    expect(await rowOf(id)).toMatchObject({
      title: 'Monitoring gaps in production',
      priority: 'high',
      owner: 'tina',
      status: 'proposed',
    });
  });

  it('answers `issue add` alone with the form card, refuses an empty title with the values kept, then proposes', async () => {
    const { replies } = await message('issue add', TINA);
    const form = cardOf(replies[0] ?? {}) as Card;
    expect(form.version).toBe('1.5');
    expect(element(form, 'title')).toMatchObject({ type: 'Input.Text', maxLength: 150, isRequired: true });
    expect(element(form, 'description')).toMatchObject({
      type: 'Input.Text',
      maxLength: 3000,
      isMultiline: true,
    });
    expect(element(form, 'owner')).toMatchObject({
      type: 'Input.ChoiceSet',
      choices: expect.arrayContaining([{ title: 'Bob Provider', value: 'acme/bob' }]),
    });
    expect(element(form, 'due')).toMatchObject({ type: 'Input.Date' });
    expect(element(form, 'priority')).toMatchObject({ type: 'Input.ChoiceSet', value: 'medium' });
    expect(element(form, 'relationship')).toBeUndefined();
    const data = { action: 'issue.add.save', value: 'acme' };
    expect(form.actions).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'issue.add.save',
        data,
        fallback: expect.objectContaining({ type: 'Action.Submit', data }),
      }),
    ]);

    const before = await issueCount();
    const refused = invokedCard(
      (await invoke('issue.add.save', { ...data, title: '   ', description: 'Keep [me](https://x)' }, TINA))
        .body,
    );
    expect(texts(refused)).toContain('Give the issue a title\\.');
    expect(element(refused, 'description')).toMatchObject({ value: 'Keep [me](https://x)' });
    expect(await issueCount()).toBe(before);

    const saved = invokedCard(
      (
        await invoke(
          'issue.add.save',
          { ...data, title: 'Invoice run late', owner: 'acme/bob', due: '2099-03-10', priority: 'low' },
          TINA,
        )
      ).body,
    );
    expect(texts(saved)).toMatch(/ISS\\-\d+ "Invoice run late" is proposed/);
    const [row] = await database.db.select().from(issues).where(eq(issues.title, 'Invoice run late'));
    expect(row).toMatchObject({ owner: 'bob', dueDate: '2099-03-10', priority: 'low', status: 'proposed' });
  });

  it('answers `issue list` and `issue list v1`, and help for unknown words', async () => {
    const current = await said('issue list', TINA);
    expect(current).toContain('Backups not verified');
    expect(current).toContain('Invoice run late');
    const v1 = await said('issue list v1', TINA);
    expect(v1).toContain('Issue list v1: Acme and Globex');
    expect(v1).toContain('Backups not verified');
    expect(v1).not.toContain('Invoice run late');
    const unknown = await said('issue frobnicate', TINA);
    expect(unknown).toContain('"frobnicate" is not an issue command.');
    expect(unknown).toContain('issue due ISS-3 <YYYY-MM-DD>');
  });

  it('rejects through the Action.Submit fallback, updating the clicked card', async () => {
    const [row] = await database.db.select().from(issues).where(eq(issues.title, 'Invoice run late'));
    const id = String(row?.id);
    const { replies } = await post({
      ...teamsActivity(connector.serviceUrl, {
        aadObjectId: BOB,
        value: { action: 'issue.reject', value: id, note: 'Not an issue' },
      }),
      replyToId: 'request-1',
    });
    expect(replies.map((reply) => reply.text)).toEqual([`You rejected ISS-${id}.`]);
    const updated = connector.calls.find(
      (call) => call.method === 'PUT' && call.path.endsWith('/activities/request-1'),
    );
    expect(texts(cardOf(updated?.activity ?? {}))).toContain('rejected by Bob Provider');
    expect((await rowOf(Number(id)))?.status).toBe('rejected');
  });

  it('refuses a stranger and stores nothing', async () => {
    const before = await issueCount();
    for (const text of ['issue add Let me in', 'issue add', 'issue list']) {
      expect(await said(text, STRANGER)).toContain(
        'add your Teams user (its Azure AD object id) to the governance file',
      );
    }
    const { body } = await invoke(
      'issue.add.save',
      { action: 'issue.add.save', value: 'acme', title: 'x' },
      STRANGER,
    );
    expect(String(body?.value)).toContain('not in the governance directory');
    expect(await issueCount()).toBe(before);
  });
});
