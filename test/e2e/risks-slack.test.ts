import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { auditEvents } from '../../db/schema/audit';
import { timers } from '../../db/schema/jobs';
import { risks } from '../../db/schema/risks';
import { highestRisks, RISK_REVIEW_TIMER, reviewReminderAt } from '../../workflows/risks/index';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import type { FakeSlack } from '../support/fake-slack';
import { postInteraction, postSlashCommand, viewSubmission } from '../support/slack-requests';
import { waitFor } from '../support/wait';

const governance = `
relationships:
  - id: acme
    name: Acme and Globex
    client: Acme Corp
    provider: Globex Services
    timezone: Europe/London
    risks: { agenda_score: 12 }
    people:
      - { id: alice, name: Alice Adams, side: client, slack: U0ALICE }
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE, timezone: Asia/Manila }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
      - { id: bob, name: Bob Provider, side: provider, slack: U0BOB }
      - { id: mia, name: Mia Multi, side: client, slack: U0MIA }
    escalation:
      executive: erin
      levels:
        - { name: Service delivery, approvers: [dave], respond_within: 4h }
  - id: beta
    name: Beta and Globex
    client: Beta Corp
    provider: Globex Services
    timezone: Europe/London
    people:
      - { id: mia, name: Mia Multi, side: client, slack: U0MIA }
      - { id: gus, name: Gus Beta, side: client, slack: U0GUS }
    escalation:
      executive: gus
      levels:
        - { name: Service delivery, approvers: [gus], respond_within: 4h }
`;

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

type Option = { value: string; text: { text: string } };
type Block = {
  block_id?: string;
  element?: { type: string; initial_value?: string; options?: Option[]; initial_option?: Option };
};
type View = { callback_id: string; private_metadata: string; blocks: Block[] };

describe('the risk register in Slack, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { yaml: governance }, teams: false });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  const command = async (userId: string, text: string) => {
    const response = await postSlashCommand(accord.url, { command: '/risk', text, user_id: userId });
    const body = await response.text();
    return body ? ((JSON.parse(body) as { text?: string }).text ?? '') : '';
  };
  const openedViews = () => slack.callsTo('views.open').map((call) => call.body.view as View);
  const block = (view: View, id: string) => view.blocks.find((candidate) => candidate.block_id === id);
  const submit = async (userId: string, view: View, fields: Record<string, string | undefined>) => {
    const values: Record<string, Record<string, unknown>> = {};
    for (const [id, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      values[id] = {
        [id]: ['likelihood', 'impact', 'owner', 'relationship'].includes(id)
          ? { type: 'static_select', selected_option: { value } }
          : id === 'reviewDate'
            ? { type: 'datepicker', selected_date: value }
            : { type: 'plain_text_input', value },
      };
    }
    const response = await postInteraction(
      accord.url,
      viewSubmission({
        userId,
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values,
      }),
    );
    expect(response.status).toBe(200);
    const body = await response.text();
    return body
      ? (JSON.parse(body) as { response_action: string; errors: Record<string, string> })
      : undefined;
  };
  const dmsTo = (user: string) =>
    slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body.channel === user)
      .map((call) => String(call.body.text));
  const storedRisks = () => database.db.select().from(risks).orderBy(risks.id);
  const timerOf = async (riskId: number) =>
    (
      await database.db
        .select()
        .from(timers)
        .where(eq(timers.id, `risk-review.${riskId}`))
    )[0];

  let form: View;
  const flood = daysFromNow(30);

  it('opens the form prefilled with the title, and adds the risk from it', async () => {
    expect(await command('U0ALICE', 'add Data centre <!channel> flood')).toBe('');
    form = await waitFor(() => openedViews()[0]);
    expect(form.callback_id).toBe('risk.add');
    expect(block(form, 'title')?.element?.initial_value).toBe('Data centre <!channel> flood');
    expect(block(form, 'likelihood')?.element?.options?.map((o) => o.value)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(block(form, 'impact')?.element?.options?.[4]?.text.text).toBe('5 · Severe');
    const owners = block(form, 'owner')?.element;
    expect(owners?.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['acme/alice', 'Alice Adams'],
      ['acme/bob', 'Bob Provider'],
      ['acme/dave', 'Dave Delivery'],
      ['acme/erin', 'Erin Executive'],
      ['acme/mia', 'Mia Multi'],
    ]);
    expect(owners?.initial_option?.value).toBe('acme/alice');
    expect(block(form, 'reviewDate')?.element?.type).toBe('datepicker');
    expect(block(form, 'relationship')).toBeUndefined();

    const answer = await submit('U0ALICE', form, {
      title: 'Data centre <!channel> flood',
      likelihood: '4',
      impact: '5',
      owner: 'acme/dave',
      mitigation: 'Second site in another region',
      reviewDate: flood,
    });
    expect(answer).toBeUndefined();
    const [risk] = await storedRisks();
    expect(risk).toMatchObject({
      id: 1,
      relationshipId: 'acme',
      title: 'Data centre <!channel> flood',
      likelihood: 4,
      impact: 5,
      owner: 'dave',
      raisedBy: 'alice',
      mitigation: 'Second site in another region',
      reviewDate: flood,
      status: 'open',
    });
    const confirmation = await waitFor(() => dmsTo('U0ALICE').find((text) => text.startsWith('RSK-1')));
    expect(confirmation).toBe(
      `RSK-1 "Data centre &lt;!channel&gt; flood" is on the risk register of Acme and Globex: score 20 (likelihood 4, likely; impact 5, severe), owner Dave Delivery, review on ${flood}.`,
    );
    // Dave reads his reminder at 09:00 in Manila.
    expect(await timerOf(1)).toMatchObject({
      name: RISK_REVIEW_TIMER,
      dueAt: reviewReminderAt(flood, 'Asia/Manila'),
      firedAt: null,
      cancelledAt: null,
    });
  });

  it('refuses a 10 KB title, a date in the past and a missing likelihood under their fields, storing nothing', async () => {
    const fields = { title: 'Supplier insolvency', likelihood: '2', impact: '3', owner: 'acme/bob' };
    expect(await submit('U0ALICE', form, { ...fields, title: 'x'.repeat(10_240) })).toEqual({
      response_action: 'errors',
      errors: { title: 'The title is too long: at most 150 characters.' },
    });
    const past = await submit('U0ALICE', form, { ...fields, reviewDate: '2020-01-01' });
    expect(past?.errors.reviewDate).toMatch(/^The review date 2020-01-01 is in the past: choose today \(/);
    expect(await submit('U0ALICE', form, { ...fields, likelihood: undefined })).toEqual({
      response_action: 'errors',
      errors: { likelihood: 'Choose the likelihood, from 1 (rare) to 5 (almost certain).' },
    });
    expect(await command('U0ALICE', `add ${'x'.repeat(10_240)}`)).toContain(
      'The title is too long: at most 150 characters.',
    );
    expect(await storedRisks()).toHaveLength(1);
  });

  it('lists open risks by score, highest first, with owner, review date and mitigation', async () => {
    expect(
      await submit('U0ALICE', form, {
        title: 'Supplier insolvency',
        likelihood: '2',
        impact: '3',
        owner: 'acme/bob',
      }),
    ).toBeUndefined();
    expect(
      await submit('U0BOB', form, {
        title: 'Key engineer leaves',
        likelihood: '3',
        impact: '4',
        owner: 'acme/bob',
      }),
    ).toBeUndefined();
    const list = await command('U0BOB', 'list');
    expect(list.split('\n')).toEqual([
      'Open risks of Acme and Globex, highest score first:',
      `• RSK-1 Data centre &lt;!channel&gt; flood: score 20 (likelihood 4 × impact 5), owner Dave Delivery, review ${flood}`,
      '   Mitigation: Second site in another region',
      '• RSK-3 Key engineer leaves: score 12 (likelihood 3 × impact 4), owner Bob Provider, review not set',
      '   Mitigation: none yet',
      '• RSK-2 Supplier insolvency: score 6 (likelihood 2 × impact 3), owner Bob Provider, review not set',
      '   Mitigation: none yet',
    ]);
  });

  it('refuses likelihood=9 with a clear error and someone who may not change it, changing nothing', async () => {
    const nine = await command('U0DAVE', 'update RSK-1 likelihood=9 impact=4');
    expect(nine).toContain('Likelihood is a whole number from 1 (rare) to 5 (almost certain), not "9".');
    expect(nine).toContain('/risk update RSK-2 likelihood=2 impact=4');
    expect(await command('U0MIA', 'update RSK-1 likelihood=2')).toBe(
      'Only Dave Delivery (the owner), Alice Adams (who raised it) or Erin Executive (the escalation executive) can change RSK-1.',
    );
    expect(await command('U0GUS', 'update RSK-1 likelihood=2')).toBe(
      'There is no risk RSK-1 in your relationships.',
    );
    expect(await command('U0DAVE', `update RSK-1 review=2020-01-01`)).toMatch(/is in the past/);
    const [risk] = await storedRisks();
    expect(risk).toMatchObject({ likelihood: 4, impact: 5, reviewDate: flood });
    const updates = await database.db.select().from(auditEvents).where(eq(auditEvents.kind, 'risk.updated'));
    expect(updates).toEqual([]);
  });

  it('updates with valid values, moving the owner’s reminder with the review date', async () => {
    const later = daysFromNow(45);
    expect(await command('U0DAVE', `update rsk-1 likelihood=2 impact=4 review=${later}`)).toBe(
      `RSK-1 is updated: likelihood 4 → 2, impact 5 → 4 (score 20 → 8); review date ${flood} → ${later}.`,
    );
    expect((await storedRisks())[0]).toMatchObject({ likelihood: 2, impact: 4, reviewDate: later });
    expect(await timerOf(1)).toMatchObject({
      dueAt: reviewReminderAt(later, 'Asia/Manila'),
      cancelledAt: null,
    });
    expect(await command('U0ALICE', 'update RSK-1 owner=bob')).toBe(
      'RSK-1 is updated: owner Dave Delivery → Bob Provider.',
    );
    expect(await timerOf(1)).toMatchObject({ dueAt: reviewReminderAt(later, 'Europe/London') });
    expect(
      await command('U0BOB', 'update RSK-1 owner=<@U0DAVE|dave> mitigation=Second site, tested monthly'),
    ).toBe('RSK-1 is updated: owner Bob Provider → Dave Delivery; mitigation updated.');
    expect(await command('U0DAVE', 'update RSK-1 owner=zed')).toContain(
      '"zed" is not a person of Acme and Globex',
    );
  });

  it('tells the escalation executive once when a risk reaches the top score, and again only after it fell', async () => {
    const topNotices = () =>
      dmsTo('U0ERIN').filter((text) => text.startsWith('RSK-2 reached the top risk score'));
    expect(await command('U0BOB', 'update RSK-2 likelihood=5 impact=5')).toBe(
      'RSK-2 is updated: likelihood 2 → 5, impact 3 → 5 (score 6 → 25).',
    );
    const told = await waitFor(() => topNotices()[0], { what: 'the executive told' });
    expect(told).toBe('RSK-2 reached the top risk score: Supplier insolvency');
    await command('U0BOB', 'update RSK-2 mitigation=Credit checks every quarter');
    await command('U0BOB', 'update RSK-2 impact=4');
    await command('U0BOB', 'update RSK-2 impact=5');
    await waitFor(() => (topNotices().length === 2 ? true : undefined), { what: 'the second crossing' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(topNotices()).toHaveLength(2);
    expect((await highestRisks(database.db, 'acme', 12)).map((risk) => [risk.id, risk.score])).toEqual([
      [2, 25],
      [3, 12],
    ]);
  });

  it('reminds the owner by DM when the review timer comes due', async () => {
    const [risk] = await storedRisks();
    // The reminder is due at 09:00 on the review date; bring it to seconds from now, as the worker
    // would meet it on that morning, and let the real timer worker fire it.
    await accord.runtime.unitOfWork((work) =>
      work.scheduleTimer({
        id: 'risk-review.1',
        name: RISK_REVIEW_TIMER,
        dueAt: new Date(Date.now() + 1500),
        relationshipId: 'acme',
        payload: { riskId: 1, reviewDate: risk?.reviewDate },
      }),
    );
    const reminder = await waitFor(
      () => dmsTo('U0DAVE').find((text) => text.startsWith('RSK-1 is due for review')),
      {
        what: 'the review reminder',
      },
    );
    expect(reminder).toBe('RSK-1 is due for review: Data centre &lt;!channel&gt; flood');
    const call = slack.callsTo('chat.postMessage').find((c) => String(c.body.text) === reminder);
    expect(JSON.stringify(call?.body.blocks)).toContain('/risk update RSK-1 review=YYYY-MM-DD');
    expect((await timerOf(1))?.firedAt).not.toBeNull();
  });

  it('closes a risk by the executive: off the list, reminder cancelled', async () => {
    expect(await command('U0MIA', 'close RSK-3')).toMatch(/^Only Bob Provider \(the owner\)/);
    expect(await command('U0ERIN', 'close RSK-1 Second site is live')).toBe(
      'RSK-1 "Data centre <!channel> flood" is closed: Second site is live'
        .replace('<', '&lt;')
        .replace('>', '&gt;'),
    );
    expect((await storedRisks())[0]).toMatchObject({ status: 'closed', closedBy: 'erin' });
    expect((await timerOf(1))?.cancelledAt).not.toBeNull();
    expect(await command('U0ERIN', 'close RSK-1')).toBe('RSK-1 is already closed.');
    expect(await command('U0ERIN', 'update RSK-1 impact=1')).toBe(
      'RSK-1 is closed, so it cannot be changed.',
    );
    expect(await command('U0BOB', 'list')).not.toContain('RSK-1');
    const closed = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.kind, 'risk.closed'), eq(auditEvents.subject, 'risk:1')));
    expect(closed.map((event) => event.data)).toEqual([{ note: 'Second site is live' }]);
  });

  it('asks someone in several relationships which one, and keeps the owner to that relationship', async () => {
    const before = openedViews().length;
    await command('U0MIA', 'add');
    const view = await waitFor(() => openedViews()[before]);
    expect(block(view, 'title')?.element?.initial_value).toBeUndefined();
    expect(block(view, 'relationship')?.element?.options?.map((o) => o.value)).toEqual(['acme', 'beta']);
    expect(block(view, 'owner')?.element?.options?.map((o) => o.text.text)).toContain(
      'Gus Beta (Beta and Globex)',
    );
    const fields = { title: 'Beta outage', likelihood: '1', impact: '2', relationship: 'beta' };
    expect(await submit('U0MIA', view, { ...fields, owner: 'acme/alice' })).toEqual({
      response_action: 'errors',
      errors: { owner: 'Choose an owner from the relationship the risk belongs to.' },
    });
    expect(await submit('U0MIA', view, { ...fields, owner: 'beta/gus' })).toBeUndefined();
    expect((await storedRisks()).at(-1)).toMatchObject({
      relationshipId: 'beta',
      owner: 'gus',
      raisedBy: 'mia',
    });
  });

  it('answers a stranger with the directory message and unreadable input with the help', async () => {
    const before = openedViews().length;
    const count = (await storedRisks()).length;
    for (const text of ['add Anything', 'list', 'update RSK-2 impact=1', 'close RSK-2']) {
      expect(await command('U0STRANGER', text)).toContain('You are not in the governance directory');
    }
    expect(openedViews()).toHaveLength(before);
    expect(await storedRisks()).toHaveLength(count);
    const help = await command('U0ALICE', 'frobnicate');
    expect(help).toContain('"frobnicate" is not a risk command.');
    expect(help).toContain('/risk close RSK-2 [note]');
    expect(await command('U0ALICE', 'help')).toMatch(/^\/risk keeps the relationship's risk register/);
  });
});
