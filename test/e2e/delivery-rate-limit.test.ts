import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Accord, startAccord } from '../../bot/app';
import { createLogger } from '../../bot/logger';
import { testConfig } from '../support/accord';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startFakeSlack } from '../support/fake-slack';
import { uniquePrefix } from '../support/redis';
import { waitFor } from '../support/wait';

/** DELIVERY_RATE_LIMIT=20: two messages in each tenth of a second, across every worker. */
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

  it('spreads a burst queued in both processes over the shared limit, sending each message once', async () => {
    const perBot = 10;
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
    // 20 messages at 2 a tenth of a second take at least 9 more tenths after the first window;
    // each process keeping its own limit would send them in half that.
    const span = Math.max(...posts.map((call) => call.at)) - Math.min(...posts.map((call) => call.at));
    expect(span).toBeGreaterThanOrEqual(800);
  });
});
