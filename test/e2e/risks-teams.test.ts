import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { timers } from '../../db/schema/jobs';
import { risks } from '../../db/schema/risks';
import { RISK_REVIEW_TIMER, reviewReminderAt } from '../../workflows/risks/index';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type FakeBotConnector, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack } from '../support/fake-slack';
import { cardOf, element, invokeAction, invokedCard, postTeamsActivity, texts } from '../support/teams-cards';
import { waitFor } from '../support/wait';

const BOB = '00000000-0000-4000-8000-0000000000b0';
const STRANGER = '00000000-0000-4000-8000-00000000dead';
const BOB_CHAT = `a:personal-${BOB}`;

const governance = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: bob, name: Bob Provider, side: provider, teams: ${BOB}, timezone: Asia/Manila }
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
    escalation:
      executive: erin
      levels:
        - { name: Service delivery, approvers: [dave], respond_within: 4h }
`;

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('the risk register on Teams, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  const post = (activity: Record<string, unknown>) => postTeamsActivity(accord.url, connector, activity);
  const message = (text: string | undefined, aadObjectId = BOB, extra: Record<string, unknown> = {}) =>
    post({ ...teamsActivity(connector.serviceUrl, { text, aadObjectId }), ...extra });
  const said = async (text: string, aadObjectId = BOB) =>
    (await message(text, aadObjectId)).replies.map((reply) => String(reply.text ?? '')).join('\n');
  /** Every risk button here is `risk.add`. */
  const invoke = (data: Record<string, unknown>, aadObjectId = BOB) =>
    invokeAction(accord.url, connector, { verb: 'risk.add', data, aadObjectId });
  const storedRisks = () => database.db.select().from(risks).orderBy(risks.id);

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { yaml: governance } });
    ({ database, slack, connector, accord } = bot);
  });
  afterAll(() => bot?.close());

  const review = daysFromNow(20);
  const data = { action: 'risk.add', value: 'acme' };
  const fields = {
    ...data,
    title: 'Vendor lock-in',
    likelihood: '5',
    impact: '5',
    owner: 'acme/bob',
    mitigation: 'Exit plan, see [runbook](https://evil.example)',
    reviewDate: review,
  };

  it('answers `risk add <title>` with the form card, prefilled, Bob as owner by default', async () => {
    const { replies } = await message('risk add Vendor lock-in');
    const card = cardOf(replies[0]);
    expect(card?.version).toBe('1.5');
    expect(element(card, 'title')).toMatchObject({
      type: 'Input.Text',
      maxLength: 150,
      isRequired: true,
      value: 'Vendor lock-in',
    });
    expect(element(card, 'likelihood')).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true });
    expect(
      (element(card, 'impact')?.choices as { value: string }[] | undefined)?.map((c) => c.value),
    ).toEqual(['1', '2', '3', '4', '5']);
    expect(element(card, 'owner')).toMatchObject({
      value: 'acme/bob',
      choices: [
        { title: 'Bob Provider', value: 'acme/bob' },
        { title: 'Dave Delivery', value: 'acme/dave' },
        { title: 'Erin Executive', value: 'acme/erin' },
      ],
    });
    expect(element(card, 'mitigation')).toMatchObject({ isMultiline: true, maxLength: 3000 });
    expect(element(card, 'reviewDate')).toMatchObject({ type: 'Input.Date' });
    expect(element(card, 'relationship')).toBeUndefined();
    expect(card?.actions?.[0]).toMatchObject({
      type: 'Action.Execute',
      verb: 'risk.add',
      data,
      fallback: { type: 'Action.Submit', data },
    });
    expect(element(cardOf((await message('risk add')).replies[0]), 'title')).not.toHaveProperty('value');
  });

  it('refuses a date in the past and a 10 KB title on the card, keeping the values and storing nothing', async () => {
    const past = invokedCard((await invoke({ ...fields, reviewDate: '2020-01-01' })).body);
    expect(texts(past)).toMatch(/The review date 2020\\-01\\-01 is in the past/);
    expect(element(past, 'mitigation')).toMatchObject({ value: fields.mitigation });
    const long = invokedCard((await invoke({ ...fields, title: 'x'.repeat(10_240) })).body);
    expect(texts(long)).toContain('The title is too long: at most 150 characters\\.');
    expect(String(element(long, 'title')?.value)).toHaveLength(150);
    const nine = invokedCard((await invoke({ ...fields, likelihood: '9' })).body);
    expect(texts(nine)).toContain('Likelihood is a whole number from 1 \\(rare\\) to 5 \\(almost certain\\)');
    expect(await storedRisks()).toEqual([]);
  });

  it('adds the risk from the card; at the top score the escalation executive is told', async () => {
    const saved = invokedCard((await invoke(fields)).body);
    expect(saved.actions).toBeUndefined();
    expect(texts(saved)).toContain(
      'RSK\\-1 "Vendor lock\\-in" is on the risk register of Acme and Globex: score 25',
    );
    expect(await storedRisks()).toMatchObject([
      {
        id: 1,
        title: 'Vendor lock-in',
        likelihood: 5,
        impact: 5,
        owner: 'bob',
        raisedBy: 'bob',
        reviewDate: review,
      },
    ]);
    const [timer] = await database.db.select().from(timers).where(eq(timers.id, 'risk-review.1'));
    expect(timer?.dueAt).toEqual(reviewReminderAt(review, 'Asia/Manila'));
    const told = await waitFor(
      () =>
        slack
          .callsTo('chat.postMessage')
          .find(
            (call) => call.body.channel === 'U0ERIN' && String(call.body.text).startsWith('RSK-1 reached'),
          ),
      { what: 'the executive told' },
    );
    expect(JSON.stringify(told.body.blocks)).toContain('Bob Provider rated it almost certain and severe');
  });

  it('adds through the Action.Submit fallback too, and lists by score', async () => {
    const { replies } = await message(undefined, BOB, {
      value: { ...data, title: 'Currency swings', likelihood: '3', impact: '2', owner: 'acme/dave' },
    });
    expect(texts(cardOf(replies[0]))).toContain('RSK\\-2 "Currency swings"');
    const list = await said('risk list');
    expect(list.split('\n')).toEqual([
      'Open risks of Acme and Globex, highest score first:',
      `• RSK-1 Vendor lock-in: score 25 (likelihood 5 × impact 5), owner Bob Provider, review ${review}`,
      '   Mitigation: Exit plan, see [runbook](https://evil.example)',
      '• RSK-2 Currency swings: score 6 (likelihood 3 × impact 2), owner Dave Delivery, review not set',
      '   Mitigation: none yet',
    ]);
  });

  it('updates and closes by message, refusing likelihood=9 with nothing changed', async () => {
    expect(await said('risk update RSK-1 likelihood=9')).toContain(
      'Likelihood is a whole number from 1 (rare) to 5 (almost certain), not "9".',
    );
    expect((await storedRisks())[0]).toMatchObject({ likelihood: 5 });
    expect(await said('risk update RSK-1 likelihood=3')).toBe(
      'RSK-1 is updated: likelihood 5 → 3 (score 25 → 15).',
    );
    expect(await said('risk close RSK-2 hedged')).toBe('RSK-2 "Currency swings" is closed: hedged');
  });

  it('reminds Bob on Teams when the review timer comes due', async () => {
    await accord.runtime.unitOfWork((work) =>
      work.scheduleTimer({
        id: 'risk-review.1',
        name: RISK_REVIEW_TIMER,
        dueAt: new Date(Date.now() + 1500),
        relationshipId: 'acme',
        payload: { riskId: 1, reviewDate: review },
      }),
    );
    const card = await waitFor(
      () =>
        connector
          .sent()
          .filter((call) => call.conversationId === BOB_CHAT)
          .map((call) => cardOf(call.activity))
          .find((candidate) => texts(candidate).startsWith('RSK\\-1 is due for review')),
      { what: 'the reminder card' },
    );
    expect(texts(card)).toContain('risk update RSK\\-1 review=YYYY\\-MM\\-DD');
  });

  it('answers a stranger with the directory message, storing nothing, and unreadable input with the help', async () => {
    const count = (await storedRisks()).length;
    for (const text of ['risk add Anything', 'risk list', 'risk close RSK-1']) {
      expect(await said(text, STRANGER)).toContain('add your Teams user (its Azure AD object id)');
    }
    const { body } = await invoke({ ...fields, title: 'Sneaky' }, STRANGER);
    expect(String(body?.value)).toContain('You are not in the governance directory');
    expect(await storedRisks()).toHaveLength(count);
    const help = await said('risk frobnicate');
    expect(help).toContain('"frobnicate" is not a risk command.');
    expect(help).toContain('risk update RSK-2 likelihood=2 impact=4');
  });
});
