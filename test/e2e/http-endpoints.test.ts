import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { deliveryJobId } from '../../bot/jobs/job-ids';
import { auditEvents } from '../../db/schema/audit';
import { outbox } from '../../db/schema/jobs';
import { teamsConversations } from '../../db/schema/teams';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { type FakeBotConnector, postActivity, teamsActivity } from '../support/fake-bot-connector';
import type { FakeSlack } from '../support/fake-slack';
import { postSlackEvent, postToSlackEndpoint } from '../support/slack-requests';
import { waitFor } from '../support/wait';

describe('the HTTP endpoints of a running bot', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let connector: FakeBotConnector;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest();
    ({ database, slack, connector, accord } = bot);
  });
  afterAll(() => bot?.close());

  it('reports healthy database and queue on /healthz', async () => {
    const response = await fetch(`${accord.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      database: 'up',
      queue: 'up',
      queueBackend: 'redis',
    });
  });

  it('serves Prometheus metrics, counting requests by route', async () => {
    await fetch(`${accord.url}/healthz`);
    const response = await fetch(`${accord.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toMatch(
      /accord_http_requests_total\{route="GET \/healthz",status="200"\} \d+/,
    );
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expect((await fetch(`${accord.url}/nope`)).status).toBe(404);
    expect((await fetch(`${accord.url}/slack/events`)).status).toBe(405);
  });

  describe('Slack requests', () => {
    const challenge = { type: 'url_verification', token: 'x', challenge: 'c-123' };

    it('accepts a correctly signed request', async () => {
      const response = await postSlackEvent(accord.url, challenge);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('c-123');
    });

    it('refuses a request whose timestamp is more than 5 minutes in the future', async () => {
      const response = await postSlackEvent(accord.url, challenge, Math.floor(Date.now() / 1000) + 6 * 60);
      expect(response.status).toBe(401);
    });

    it('refuses a request whose timestamp is more than 5 minutes old', async () => {
      const response = await postSlackEvent(accord.url, challenge, Math.floor(Date.now() / 1000) - 6 * 60);
      expect(response.status).toBe(401);
    });

    it('refuses a request with a wrong signature', async () => {
      const response = await postToSlackEndpoint(accord.url, JSON.stringify(challenge), 'application/json', {
        signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000',
      });
      expect(response.status).toBe(401);
    });
  });

  describe('Teams', () => {
    it('remembers where a user can be reached and answers a message with help', async () => {
      const activity = teamsActivity(connector.serviceUrl, { text: 'hello', aadObjectId: 'aad-bob' });
      const response = await postActivity(accord.url, activity);
      expect(response.status).toBe(200);
      const reply = await waitFor(() => connector.sent()[0], { what: 'reply' });
      expect(reply.conversationId).toBe('a:personal-aad-bob');
      expect(String(reply.activity.text)).toContain('Accord runs the governance');
      const [stored] = await database.db
        .select()
        .from(teamsConversations)
        .where(eq(teamsConversations.key, 'aad:aad-bob'));
      expect(stored?.reference).toMatchObject({ serviceUrl: connector.serviceUrl });
    });
  });

  describe('delivery through the outbox', () => {
    /** The stored conversation reference under `key`, if any. */
    const connectorReference = async (key: string) => {
      const [row] = await database.db
        .select()
        .from(teamsConversations)
        .where(eq(teamsConversations.key, key));
      return row;
    };
    /** Outbox row `id`, once it is marked sent (or failed for good). */
    const outboxRowOnce = (id: number, mark: 'sentAt' | 'failedAt') =>
      waitFor(
        async () => {
          const [found] = await database.db.select().from(outbox).where(eq(outbox.id, id));
          return found?.[mark] ? found : undefined;
        },
        { what: `outbox row ${id} with ${mark}` },
      );

    it('posts a notice to Slack with user text escaped, once', async () => {
      const id = await accord.runtime.unitOfWork((work) =>
        work.queueNotice(
          { platform: 'slack', channel: 'C0GOVERN' },
          { title: 'Outage <!channel>', text: 'Ping <@U123> and <!here> & see <https://evil.example|this>' },
        ),
      );
      const [call] = await waitFor(
        () => (slack.callsTo('chat.postMessage').length ? slack.callsTo('chat.postMessage') : undefined),
        {
          what: 'chat.postMessage',
        },
      );
      expect(call?.token).toBe('xoxb-test-token');
      expect(call?.body.channel).toBe('C0GOVERN');
      const serialized = JSON.stringify(call?.body);
      expect(serialized).not.toContain('<!channel>');
      expect(serialized).not.toContain('<@U123>');
      expect(serialized).not.toContain('<https://evil.example');
      expect(serialized).toContain('&lt;@U123&gt;');
      const row = await outboxRowOnce(id, 'sentAt');
      expect(row.platformMessageId).toMatch(/^C0GOVERN\//);
      await accord.runtime.reconcile();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0GOVERN')).toHaveLength(1);
    });

    it('waits out a Slack 429 with Retry-After, then delivers once', async () => {
      slack.script('chat.postMessage', {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { ok: false, error: 'ratelimited' },
      });
      const started = Date.now();
      await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'slack', channel: 'C0RATE' }, { title: 'After a rate limit' }),
      );
      await waitFor(
        () =>
          slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0RATE').length === 2
            ? true
            : undefined,
        { what: 'retried post' },
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it('retries a Slack 500 with backoff and delivers once', async () => {
      slack.script('chat.postMessage', { status: 500, body: { ok: false, error: 'internal_error' } });
      const id = await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'slack', channel: 'C0FLAKY' }, { title: 'After a server error' }),
      );
      const row = await outboxRowOnce(id, 'sentAt');
      expect(row).toMatchObject({ failedAt: null, attempts: 2 });
      expect(row.lastError).toContain('HTTP 500');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0FLAKY')).toHaveLength(2);
    });

    it('records a permanent Slack failure on the timeline and does not retry it', async () => {
      slack.script('chat.postMessage', { status: 200, body: { ok: false, error: 'channel_not_found' } });
      const id = await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'slack', channel: 'C0GONE' }, { title: 'Nobody home' }),
      );
      const row = await outboxRowOnce(id, 'failedAt');
      expect(row.lastError).toContain('channel_not_found');
      const events = await database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.kind, 'delivery.failed'), eq(auditEvents.subject, `outbox:${id}`)));
      expect(events).toHaveLength(1);
      expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0GONE')).toHaveLength(1);
    });

    it('sends an Adaptive Card to a Teams user the bot has met', async () => {
      await postActivity(
        accord.url,
        teamsActivity(connector.serviceUrl, { text: 'hi', aadObjectId: 'aad-frank' }),
      );
      await waitFor(() => connectorReference('aad:aad-frank'));
      const before = connector.sent().length;
      await accord.runtime.unitOfWork((work) =>
        work.queueNotice(
          { platform: 'teams', aadObjectId: 'aad-frank' },
          { title: 'Review [tomorrow](https://evil.example)', fields: [{ label: 'Level', value: '1' }] },
        ),
      );
      const card = await waitFor(
        () =>
          connector
            .sent()
            .slice(before)
            .find((call) => Array.isArray(call.activity.attachments)),
        { what: 'adaptive card' },
      );
      const attachment = (
        card.activity.attachments as { contentType: string; content: Record<string, unknown> }[]
      )[0];
      expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(attachment?.content.version).toBe('1.5');
      expect(JSON.stringify(attachment?.content)).toContain(
        'Review \\\\[tomorrow\\\\]\\\\(https://evil\\\\.example\\\\)',
      );
    });

    it('opens a 1:1 chat with a Teams user the bot has not talked to yet, then sends', async () => {
      const before = connector.calls.length;
      const id = await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'teams', aadObjectId: 'aad-newcomer' }, { title: 'Hello there' }),
      );
      const row = await outboxRowOnce(id, 'sentAt');
      const calls = connector.calls.slice(before);
      const created = calls.find((call) => call.method === 'POST' && call.path === '/v3/conversations');
      expect(created?.activity).toMatchObject({ isGroup: false, members: [{ id: 'aad-newcomer' }] });
      expect(
        calls.some((call) => call.path.startsWith(`/v3/conversations/${encodeURIComponent('a:personal-')}`)),
      ).toBe(true);
      expect(row.platformMessageId).toBeTruthy();
      const [stored] = await database.db
        .select()
        .from(teamsConversations)
        .where(eq(teamsConversations.key, 'aad:aad-newcomer'));
      expect(stored).toBeDefined();
    });

    it("holds back Teams messages for a Teams 429's Retry-After, and Slack's not at all", async () => {
      const titled = (title: string) =>
        connector.calls.filter((call) => JSON.stringify(call.activity).includes(title));
      await postActivity(
        accord.url,
        teamsActivity(connector.serviceUrl, { text: 'hi', aadObjectId: 'aad-gina' }),
      );
      await waitFor(() => connectorReference('aad:aad-gina'), { what: "Gina's conversation reference" });
      const slackSent = await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'slack', channel: 'C0MIXED' }, { title: 'Slack before' }),
      );
      const teamsSent = await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'teams', aadObjectId: 'aad-gina' }, { title: 'Teams before' }),
      );
      await outboxRowOnce(slackSent, 'sentAt');
      await outboxRowOnce(teamsSent, 'sentAt');

      connector.script({ status: 429, headers: { 'retry-after': '2' } });
      const throttled = await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'teams', aadObjectId: 'aad-gina' }, { title: 'Throttled first' }),
      );
      const [refused] = await waitFor(
        () => (titled('Throttled first').length > 0 ? titled('Throttled first') : undefined),
        {
          what: 'the send Teams answers with 429',
        },
      );
      const pauseEnds = (refused?.at ?? 0) + 2000;
      // While Teams is paused: new messages and updates on both platforms (updates go by the queue).
      const queuedAt = Date.now();
      await accord.runtime.unitOfWork(async (work) => {
        await work.queueNotice({ platform: 'teams', aadObjectId: 'aad-gina' }, { title: 'Teams during' });
        await work.queueNotice(
          { platform: 'teams', aadObjectId: 'aad-gina' },
          { title: 'Teams edited' },
          {
            updateOf: teamsSent,
          },
        );
        await work.queueNotice({ platform: 'slack', channel: 'C0MIXED' }, { title: 'Slack during' });
        await work.queueNotice(
          { platform: 'slack', channel: 'C0MIXED' },
          { title: 'Slack edited' },
          {
            updateOf: slackSent,
          },
        );
      });

      const slackCall = (method: string, title: string) =>
        slack.callsTo(method).find((call) => JSON.stringify(call.body).includes(title));
      const [during, edited] = await waitFor(
        () => {
          const both = [
            slackCall('chat.postMessage', 'Slack during'),
            slackCall('chat.update', 'Slack edited'),
          ];
          return both.every(Boolean) ? both : undefined;
        },
        { what: "Slack's messages during the Teams pause" },
      );
      expect((during?.at ?? 0) - queuedAt).toBeLessThan(1000);
      expect((edited?.at ?? 0) - queuedAt).toBeLessThan(1000);

      // Teams: nothing before the pause ends, then each message once.
      const teams = await waitFor(
        () => {
          const all = ['Throttled first', 'Teams during', 'Teams edited'].map((title) => titled(title));
          return all[0]?.length === 2 && all[1]?.length === 1 && all[2]?.length === 1
            ? all.flat()
            : undefined;
        },
        { what: "Teams' messages after the pause", timeoutMs: 10_000 },
      );
      for (const call of teams.filter((each) => each !== refused))
        expect(call.at).toBeGreaterThanOrEqual(pauseEnds - 50);
      expect(teams.find((call) => call.method === 'PUT')?.activity.type).toBe('message');
      const row = await outboxRowOnce(throttled, 'sentAt');
      expect(row).toMatchObject({ attempts: 2, failedAt: null });
      expect(row.lastError).toContain('rate limited');
    });

    it('sends a Teams message whose delivery job an earlier version queued (one queue, no platform named)', async () => {
      await postActivity(
        accord.url,
        teamsActivity(connector.serviceUrl, { text: 'hi', aadObjectId: 'aad-ida' }),
      );
      await waitFor(() => connectorReference('aad:aad-ida'), { what: "Ida's conversation reference" });
      const [row] = await database.db
        .insert(outbox)
        .values({
          recipient: { platform: 'teams', aadObjectId: 'aad-ida' },
          notice: { title: 'Queued long ago' },
        })
        .returning({ id: outbox.id });
      const id = row?.id ?? 0;
      await accord.runtime.deliveryQueues.slack.add(
        'deliver',
        { outboxId: id },
        { jobId: deliveryJobId(id) },
      );
      await outboxRowOnce(id, 'sentAt');
      expect(
        connector.sent().filter((call) => JSON.stringify(call.activity).includes('Queued long ago')),
      ).toHaveLength(1);
    });

    it('records a Slack message as sent at once while a Teams message queued with it is still on its way', async () => {
      await postActivity(
        accord.url,
        teamsActivity(connector.serviceUrl, { text: 'hi', aadObjectId: 'aad-jo' }),
      );
      await waitFor(() => connectorReference('aad:aad-jo'), { what: "Jo's conversation reference" });
      connector.script({ status: 200, delayMs: 3000 });
      const queuedAt = Date.now();
      const [slow, quick] = await accord.runtime.unitOfWork(async (work) => [
        await work.queueNotice({ platform: 'teams', aadObjectId: 'aad-jo' }, { title: 'Slow to arrive' }),
        await work.queueNotice({ platform: 'slack', channel: 'C0QUICK' }, { title: 'Quick to arrive' }),
      ]);
      const sent = await outboxRowOnce(quick ?? 0, 'sentAt');
      // Marked once Slack answered, not once the slow Teams send of the same commit ended too.
      expect((sent.sentAt?.getTime() ?? Number.POSITIVE_INFINITY) - queuedAt).toBeLessThan(1500);
      const [teamsRow] = await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.id, slow ?? 0));
      expect(teamsRow?.sentAt).toBeNull();
      await outboxRowOnce(slow ?? 0, 'sentAt');
    });

    it('retries a Teams 503 with backoff and delivers once', async () => {
      connector.script({ status: 503 });
      const before = connector.sent().length;
      await accord.runtime.unitOfWork((work) =>
        work.queueNotice({ platform: 'teams', aadObjectId: 'aad-frank' }, { title: 'After a hiccup' }),
      );
      await waitFor(
        () =>
          connector
            .sent()
            .slice(before)
            .filter((call) => JSON.stringify(call.activity).includes('After a hiccup')).length === 2
            ? true
            : undefined,
        { what: 'retried Teams send' },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(
        connector
          .sent()
          .slice(before)
          .filter((call) => JSON.stringify(call.activity).includes('After a hiccup')),
      ).toHaveLength(2);
    });
  });
});
