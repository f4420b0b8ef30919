import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsConversations } from '../../db/schema/teams';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import { postActivity, teamsActivity } from '../support/fake-bot-connector';
import { waitFor } from '../support/wait';

/** Teams allows a bot fewer messages a second than the limit on all of them. */
const TEAMS_LIMIT = 4;
const TOTAL_LIMIT = 20;

describe('TEAMS_DELIVERY_RATE_LIMIT keeps Teams messages within their own limit', () => {
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({
      env: { TEAMS_DELIVERY_RATE_LIMIT: String(TEAMS_LIMIT), DELIVERY_RATE_LIMIT: String(TOTAL_LIMIT) },
    });
    const { accord, connector, database } = bot;
    await postActivity(
      accord.url,
      teamsActivity(connector.serviceUrl, { text: 'hi', aadObjectId: 'aad-hana' }),
    );
    await waitFor(async () => {
      const [row] = await database.db
        .select()
        .from(teamsConversations)
        .where(eq(teamsConversations.key, 'aad:aad-hana'));
      return row;
    });
  });
  afterAll(() => bot?.close());

  it("sends a burst's Slack messages at once and spreads its Teams messages over the Teams limit", async () => {
    if (!bot) throw new Error('the bot did not start');
    const { accord, connector, slack } = bot;
    const count = 2 * TEAMS_LIMIT + 1;
    await accord.runtime.unitOfWork(async (work) => {
      for (let i = 0; i < count; i++) {
        work.queueNoticeAtEnd({ platform: 'teams', aadObjectId: 'aad-hana' }, { title: `Teams burst ${i}` });
        work.queueNoticeAtEnd({ platform: 'slack', channel: 'C0BURST' }, { title: `Slack burst ${i}` });
      }
    });
    const teams = await waitFor(
      () => {
        const found = connector
          .sent()
          .filter((call) => JSON.stringify(call.activity).includes('Teams burst'));
        return found.length >= count ? found : undefined;
      },
      { what: 'every Teams message of the burst', timeoutMs: 10_000 },
    );
    const slackTimes = slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body.channel === 'C0BURST')
      .map((call) => call.at);
    const teamsTimes = teams.map((call) => call.at).sort((a, b) => a - b);
    const first = Math.min(...slackTimes, ...teamsTimes);
    // Slack's share of the limit on all messages is not held up by Teams' smaller one.
    expect(slackTimes).toHaveLength(count);
    expect(Math.max(...slackTimes) - first).toBeLessThan(500);
    // Nine Teams messages at four a second: four at once, four a second later, the last a second on.
    expect((teamsTimes.at(-1) ?? first) - first).toBeGreaterThanOrEqual(1900);
    for (const start of teamsTimes) {
      expect(teamsTimes.filter((at) => at >= start && at < start + 900).length).toBeLessThanOrEqual(
        TEAMS_LIMIT,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      connector.sent().filter((call) => JSON.stringify(call.activity).includes('Teams burst')),
    ).toHaveLength(count);
  });

  it('sends a Slack message at once while Teams messages wait for their limit', async () => {
    if (!bot) throw new Error('the bot did not start');
    const { accord, connector, slack } = bot;
    // What the burst before spent frees up a second after.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await accord.runtime.unitOfWork(async (work) => {
      for (let i = 0; i < 3 * TEAMS_LIMIT; i++)
        work.queueNoticeAtEnd(
          { platform: 'teams', aadObjectId: 'aad-hana' },
          { title: `Teams backlog ${i}` },
        );
    });
    await waitFor(
      () =>
        connector.sent().some((call) => JSON.stringify(call.activity).includes('Teams backlog')) || undefined,
      { what: 'the first Teams messages' },
    );
    // The rest of the Teams messages wait about a second for the limit; Slack's does not wait with them.
    const queuedAt = Date.now();
    await accord.runtime.unitOfWork(async (work) => {
      work.queueNoticeAtEnd({ platform: 'slack', channel: 'C0ASIDE' }, { title: 'Meanwhile on Slack' });
    });
    const [post] = await waitFor(
      () => {
        const found = slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'C0ASIDE');
        return found.length > 0 ? found : undefined;
      },
      { what: 'the Slack message' },
    );
    expect((post?.at ?? Number.POSITIVE_INFINITY) - queuedAt).toBeLessThan(300);
  });
});
