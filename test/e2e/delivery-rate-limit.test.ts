import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Accord, startAccord } from '../../bot/app';
import { createLogger } from '../../bot/logger';
import { testConfig } from '../support/accord';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startFakeSlack } from '../support/fake-slack';
import { uniquePrefix } from '../support/redis';
import { waitFor } from '../support/wait';

/**
 * DELIVERY_RATE_LIMIT=20: at most 20 messages in any second, across every worker; while requests
 * for a decision are about, 2 of them only requests may use.
 */
const LIMIT = 20;

describe('DELIVERY_RATE_LIMIT is one limit for every worker process', () => {
  let database: TestDatabase;
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  const bots: Accord[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    slack = await startFakeSlack();
    // Two processes on the same database and the same Redis keys, as a ROLE=all and a ROLE=worker.
    const redisPrefix = uniquePrefix('accord');
    for (const role of ['all', 'worker']) {
      const config = testConfig(database, {
        SLACK_API_URL: slack.apiUrl,
        DELIVERY_RATE_LIMIT: String(LIMIT),
        ROLE: role,
      });
      bots.push(
        await startAccord(config, { logger: createLogger('silent'), redisPrefix, shutdownGraceMs: 2000 }),
      );
    }
  });
  afterAll(async () => {
    for (const bot of bots) await bot.close();
    await slack?.close();
    await database?.drop();
  });

  it('sends at once what the limit allows after a quiet spell, the requests in the room kept for them', async () => {
    const [bot] = bots;
    await bot?.runtime.unitOfWork(async (work) => {
      for (let i = 0; i < LIMIT; i++)
        work.queueNoticeAtEnd({ platform: 'slack', channel: 'C0QUIET' }, { title: `Quiet ${i}` });
      for (let i = 0; i < 2; i++)
        await work.queueNotice(
          { platform: 'slack', channel: 'C0DECIDE' },
          { title: `Please decide ${i}` },
          { urgent: true },
        );
    });
    const posts = await waitFor(
      () => {
        const found = slack.callsTo('chat.postMessage');
        return found.length >= LIMIT + 2 ? found : undefined;
      },
      { what: 'every message of the burst', timeoutMs: 10_000 },
    );
    const times = posts.map((call) => call.at);
    const first = Math.min(...times);
    const within = (channel: string, ms: number) =>
      posts.filter((call) => call.body.channel === channel && call.at - first < ms).length;
    // The requests and the notices up to nine tenths of the limit at once, not spread over the
    // second as a limit kept per tenth of a second would. The requests count against the notices'
    // share too, so the room kept stays free for the next request: the last four notices wait for
    // the second to pass.
    expect(within('C0DECIDE', 500)).toBe(2);
    expect(within('C0QUIET', 500)).toBe(LIMIT - 4);
    expect(within('C0QUIET', 950)).toBe(LIMIT - 4);
    // What it spent frees up a second later: the next test starts on a full allowance.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });

  it('spreads a burst queued in both processes over the shared limit, sending each message once', async () => {
    const perBot = 25;
    await Promise.all(
      bots.map((bot, b) =>
        bot.runtime.unitOfWork(async (work) => {
          for (let i = 0; i < perBot; i++)
            work.queueNoticeAtEnd({ platform: 'slack', channel: `C0RATE${b}` }, { title: `Burst ${b}.${i}` });
        }),
      ),
    );
    const posts = await waitFor(
      () => {
        const found = slack
          .callsTo('chat.postMessage')
          .filter((call) => String(call.body.channel).startsWith('C0RATE'));
        return found.length >= 2 * perBot ? found : undefined;
      },
      { what: 'every message of the burst', timeoutMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = slack
      .callsTo('chat.postMessage')
      .filter((call) => String(call.body.channel).startsWith('C0RATE'));
    expect(new Set(all.map((call) => call.body.text)).size).toBe(2 * perBot);
    expect(all).toHaveLength(2 * perBot);
    // With no request about, the whole limit: 50 notices at 20 a second, 20 at once, 20 a second
    // later, the last 10 a second after that.
    // Each process keeping its own limit would send them all within one second.
    const times = posts.map((call) => call.at).sort((a, b) => a - b);
    const first = times[0] ?? 0;
    expect((times.at(-1) ?? first) - first).toBeGreaterThanOrEqual(1900);
    // However they fall, no second holds more than the limit (less a margin for the arrival times).
    for (const start of times) {
      expect(times.filter((at) => at >= start && at < start + 800).length).toBeLessThanOrEqual(LIMIT);
    }
  });
});
