import { and, eq, isNull, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { issueListPublications, issues } from '../../db/schema/issues';
import { timers } from '../../db/schema/jobs';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import type { FakeSlack, SlackCall } from '../support/fake-slack';
import { blockAction, postInteraction, postSlashCommand, viewSubmission } from '../support/slack-requests';
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
      - { id: dave, name: Dave Delivery, side: client, slack: U0DAVE }
      - { id: erin, name: Erin Executive, side: client, slack: U0ERIN }
    escalation:
      executive: erin
      levels:
        - { name: First, approvers: [dave], respond_within: 4h }
    issue_list:
      approvers: [carol]
      stakeholders: [alice, erin]
      debounce: 2s
`;

describe('the issue list in Slack, end to end', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { yaml: governance }, teams: false });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  const issue = async (userId: string, text: string) => {
    const response = await postSlashCommand(accord.url, { command: '/issue', text, user_id: userId });
    const body = await response.text();
    return body ? (JSON.parse(body) as { text: string }).text : '';
  };
  const dms = (user: string) =>
    slack.callsTo('chat.postMessage').filter((call) => call.body.channel === user);
  const buttons = (call: SlackCall) =>
    (
      (call.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]) ?? []
    ).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
  const click = (userId: string, actionId: string, value: string, note?: string) =>
    postInteraction(accord.url, {
      ...blockAction({ userId, actionId, value, channelId: `D${userId}`, messageTs: '1.1' }),
      state: { values: { note: { note: { type: 'plain_text_input', value: note ?? null } } } },
    });
  const requestFor = (ref: string) =>
    waitFor(() => dms('U0CAROL').find((call) => String(call.body.text).includes(ref)));
  const publications = (user: string) =>
    dms(user).filter((call) => String(call.body.text).startsWith('Issue list v'));
  const rowOf = async (id: number) => (await database.db.select().from(issues).where(eq(issues.id, id)))[0];

  it('proposes an issue to the approvers, who alone approve it onto the list; the stakeholders get v1', async () => {
    const answer = await issue('U0ALICE', 'add Backups not verified');
    expect(answer).toMatch(
      /^ISS-(\d+) "Backups not verified" is proposed for the issue list and went to Carol Chief for approval\.$/,
    );
    const id = Number(/ISS-(\d+)/.exec(answer)?.[1]);
    const request = await requestFor(`ISS-${id}`);
    expect(buttons(request).map((b) => b.action_id)).toEqual(['issue.approve', 'issue.reject', 'issue.edit']);

    await click('U0DAVE', 'issue.approve', String(id));
    await waitFor(() =>
      slack
        .callsTo('chat.postEphemeral')
        .find(
          (call) =>
            call.body.user === 'U0DAVE' &&
            String(call.body.text).includes("Only the issue list's approvers (Carol Chief)"),
        ),
    );
    expect((await rowOf(id))?.status).toBe('proposed');

    await click('U0CAROL', 'issue.approve', String(id), 'Agreed in the review');
    await waitFor(async () => ((await rowOf(id))?.status === 'open' ? true : undefined));
    await waitFor(() =>
      dms('U0ALICE').find((call) =>
        String(call.body.text).includes(`ISS-${id} was approved onto the issue list by Carol Chief`),
      ),
    );
    const v1 = await waitFor(() => publications('U0ERIN')[0], { what: 'v1 to Erin' });
    expect(String(v1.body.text)).toMatch(/^Issue list v1: 1 open, 1 new, 0 closed/);
    expect(JSON.stringify(v1.body.blocks)).toContain(`ISS-${id} Backups not verified`);
  });

  it('publishes a burst of changes once, after the debounce', async () => {
    const ids: number[] = [];
    for (const title of ['Invoice run late', 'Monitoring gaps']) {
      ids.push(Number(/ISS-(\d+)/.exec(await issue('U0ALICE', `add ${title}`))?.[1]));
    }
    for (const id of ids) {
      await requestFor(`ISS-${id}`);
      await click('U0CAROL', 'issue.approve', String(id));
    }
    const v2 = await waitFor(
      () => publications('U0ALICE').find((call) => String(call.body.text).startsWith('Issue list v2')),
      {
        what: 'v2',
      },
    );
    expect(String(v2.body.text)).toContain('3 open, 2 new');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(
      publications('U0ALICE').filter((call) => String(call.body.text).startsWith('Issue list v3')),
    ).toHaveLength(0);
  });

  it('resolves, assigns and sets due dates, with clear refusals; the next publication shows what closed', async () => {
    const [first] = await database.db.select().from(issues).where(eq(issues.title, 'Backups not verified'));
    const [second] = await database.db.select().from(issues).where(eq(issues.title, 'Invoice run late'));
    expect(await issue('U0DAVE', `resolve ISS-${first?.id} done`)).toContain('Only the owner');
    expect(await issue('U0ALICE', `assign ISS-${second?.id} zed`)).toBe(
      '"zed" is not a person of Acme and Globex.',
    );
    expect(await issue('U0ALICE', `due ISS-${second?.id} 2020-01-01`)).toBe(
      'The due date 2020-01-01 is in the past.',
    );
    expect(await issue('U0ALICE', `assign ISS-${second?.id} dave`)).toBe(
      `ISS-${second?.id} is now owned by Dave Delivery.`,
    );
    expect(await issue('U0ALICE', `due ISS-${second?.id} 2099-03-10`)).toBe(
      `ISS-${second?.id} is now due 2099-03-10.`,
    );
    const reminders = await database.db
      .select()
      .from(timers)
      .where(and(like(timers.id, `issue-due.${second?.id}.%`), isNull(timers.cancelledAt)));
    expect(reminders.map((timer) => timer.id.split('.')[2]).sort()).toEqual(['before', 'day', 'overdue']);
    expect(await issue('U0ALICE', `resolve ISS-${first?.id} Restores verified weekly`)).toBe(
      `ISS-${first?.id} is resolved.`,
    );
    const v3 = await waitFor(() =>
      publications('U0ERIN').find((call) => String(call.body.text).startsWith('Issue list v3')),
    );
    expect(JSON.stringify(v3.body.blocks)).toMatch(/Closed:\\n• ISS-\d+ Backups not verified/);
    expect(JSON.stringify(v3.body.blocks)).toMatch(
      /Changed:\\n• ISS-\d+ Invoice run late \(medium, Dave Delivery, due 2099-03-10\)/,
    );
  });

  it('shows a publication again exactly as it was sent, and the current list', async () => {
    const v1 = await issue('U0ERIN', 'list v1');
    expect(v1).toContain('Issue list v1: Acme and Globex');
    expect(v1).toContain('Backups not verified');
    expect(v1).not.toContain('Invoice run late');
    expect(await issue('U0ERIN', 'list v99')).toBe('There is no issue list v99 in your relationships.');
    const current = await issue('U0ALICE', 'list');
    expect(current).toContain('(last published as v3)');
    expect(current).toContain('Monitoring gaps');
    const stored = await database.db.select().from(issueListPublications);
    expect(stored.map((publication) => publication.number).sort()).toEqual([1, 2, 3]);
  });

  it('refuses bad input with a clear message and stores nothing', async () => {
    const before = (await database.db.select().from(issues)).length;
    expect(await issue('U0ALICE', `add ${'x'.repeat(10_000)}`)).toBe(
      'The title is too long: at most 150 characters.',
    );
    expect(await issue('U0STRANGER', 'add Let me in')).toContain('not in the governance directory');
    expect(await issue('U0ALICE', 'frobnicate')).toContain('"frobnicate" is not an issue command.');
    expect((await database.db.select().from(issues)).length).toBe(before);
  });

  it('lets an approver edit a proposal before deciding, and updates the request', async () => {
    const id = Number(/ISS-(\d+)/.exec(await issue('U0ALICE', 'add Typo in titel'))?.[1]);
    await requestFor(`ISS-${id}`);
    await click('U0CAROL', 'issue.edit', String(id));
    const opened = await waitFor(() =>
      slack.callsTo('views.open').find((call) => JSON.stringify(call.body).includes('issue.edit')),
    );
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    const response = await postInteraction(
      accord.url,
      viewSubmission({
        userId: 'U0CAROL',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: {
          title: { title: { type: 'plain_text_input', value: 'Typo in title' } },
          priority: { priority: { type: 'static_select', selected_option: { value: 'high' } } },
          due: { due: { type: 'datepicker', selected_date: '2099-01-15' } },
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(await rowOf(id)).toMatchObject({
      title: 'Typo in title',
      priority: 'high',
      dueDate: '2099-01-15',
      status: 'proposed',
    });
    await waitFor(() =>
      slack
        .callsTo('chat.update')
        .find(
          (call) => call.body.channel === 'DU0CAROL' && JSON.stringify(call.body).includes('Typo in title'),
        ),
    );
  });
});
