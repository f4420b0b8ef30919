import { fileURLToPath } from 'node:url';
import { isNull } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/jobs';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startFakeSlack } from '../support/fake-slack';
import { testRedisUrl } from '../support/redis';
import { postSlashCommand, SIGNING_SECRET } from '../support/slack-requests';
import { type RunningBot, spawnBot } from '../support/spawn-bot';
import { waitFor } from '../support/wait';

const fixture = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));
// Logical database 12 is this file's alone: the test flushes it.
const redisUrl = testRedisUrl(12);

describe('a crash and a lost Redis lose nothing and send nothing twice', () => {
  let database: TestDatabase;
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  const bots: RunningBot[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    for (const bot of bots) bot.child.kill('SIGKILL');
    await slack?.close();
    await database?.drop();
  });

  const start = () => {
    const bot = spawnBot({
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.apiUrl,
      GOVERNANCE_FILE: fixture,
    });
    bots.push(bot);
    return bot;
  };
  const sent = () =>
    slack.callsTo('chat.postMessage').map((call) => `${String(call.body.channel)} ${String(call.body.text)}`);

  it('fires the SLA timer after SIGKILL and FLUSHDB, and sends each message once', async () => {
    const first = start();
    const url = await first.ready;
    const response = await postSlashCommand(url, { text: 'Crash test', user_id: 'U0GINA' });
    const ref = /ESC-\d+/.exec(((await response.json()) as { text: string }).text)?.[0] ?? '';
    await waitFor(async () => {
      const unsent = await database.db.select().from(outbox).where(isNull(outbox.sentAt));
      return unsent.length === 0 && sent().some((line) => line.startsWith('U0HANK')) ? true : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exit;
    const sentBeforeCrash = sent().length;
    expect(sent().some((line) => line.startsWith('U0IVY'))).toBe(false);

    const redis = new Redis(redisUrl);
    await redis.flushdb();
    await redis.quit();

    const second = start();
    await second.ready;
    await waitFor(
      () => sent().find((line) => line.startsWith('U0IVY') && line.includes(`${ref} needs your decision`)),
      {
        what: 'level 2 request after restart',
        timeoutMs: 10_000,
      },
    );
    expect(sent().findIndex((line) => line.startsWith('U0IVY'))).toBeGreaterThanOrEqual(sentBeforeCrash);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lines = sent().filter((line) => line.includes(ref));
    expect(new Set(lines).size).toBe(lines.length);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }, 40_000);
});
