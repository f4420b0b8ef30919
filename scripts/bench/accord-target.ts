import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startAccord } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import { createTestDatabase } from '../../test/support/database';
import { testRedisUrl } from '../../test/support/redis';
import { SIGNING_SECRET } from '../../test/support/slack-requests';
import { type RunningBot, spawnBot } from '../../test/support/spawn-bot';
import { flush } from './reminders/baseline';
import { stopBot } from './reminders/bots';

const governanceFile = fileURLToPath(
  new URL('../../test/fixtures/governance/escalations.yaml', import.meta.url),
);
/** A logical database no test uses (the reminders part uses 11): flushed before and after each step. */
const REDIS_DB = 9;
export const WORKER_NICENESS = 10;

/**
 * The real bot as it is deployed to scale (README, "Running in production"): a `ROLE=web` instance
 * that answers Slack, here in this process, and a `ROLE=worker` process at a lower CPU priority
 * (nice 10) that routes and delivers, on a fresh database and an emptied Redis database, so no
 * earlier step's backlog reaches this one. Closing it stops both and drops the database.
 */
export async function startBenchAccord(slackApiUrl: string, deliveryRateLimit: number) {
  const redisUrl = testRedisUrl(REDIS_DB);
  await flush(redisUrl);
  const database = await createTestDatabase({ migrate: false }); // the bot migrates, as in production
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_API_URL: slackApiUrl,
    GOVERNANCE_FILE: governanceFile,
    TEAMS_ALLOW_UNAUTHENTICATED: 'true',
    // The limit on Teams is set with it (its default, 50, would bind first).
    DELIVERY_RATE_LIMIT: String(deliveryRateLimit),
    TEAMS_DELIVERY_RATE_LIMIT: String(deliveryRateLimit),
  };
  let worker: RunningBot | undefined;
  const cleanUp = async () => {
    if (worker) await stopBot(worker);
    await database.drop();
    await flush(redisUrl);
  };
  try {
    // The worker first: it applies the governance file before the web instance reads it.
    worker = spawnBot({ ...env, PORT: '0', ROLE: 'worker', LOG_LEVEL: 'info' });
    // Sharing one machine, the web instance comes first (README, "Running in production").
    if (worker.child.pid !== undefined) setPriority(worker.child.pid, WORKER_NICENESS);
    await worker.ready;
    const config = loadConfig({ ...env, PORT: '0', ROLE: 'web', LOG_LEVEL: 'silent' });
    const accord = await startAccord(config, {
      logger: createLogger(config.logLevel),
      shutdownGraceMs: 2000,
    });
    return {
      url: accord.url,
      pids: Object.fromEntries(worker.child.pid === undefined ? [] : [['worker', worker.child.pid]]),
      close: async () => {
        try {
          await accord.close();
        } finally {
          await cleanUp();
        }
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
