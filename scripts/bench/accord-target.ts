import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startAccord } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import { createTestDatabase } from '../../test/support/database';
import { testRedisUrl, uniquePrefix } from '../../test/support/redis';
import { SIGNING_SECRET } from '../../test/support/slack-requests';

const governanceFile = fileURLToPath(
  new URL('../../test/fixtures/governance/escalations.yaml', import.meta.url),
);

/**
 * The real bot, as `npm start` composes it, on a fresh database and Redis prefix of its own so no
 * earlier step's queue backlog reaches this one. Closing it also drops both.
 */
export async function startBenchAccord(slackApiUrl: string) {
  const database = await createTestDatabase({ migrate: false }); // startAccord migrates, as in production
  const redisPrefix = uniquePrefix('bench');
  const cleanUp = async () => {
    await database.drop();
    await deleteRedisKeys(redisPrefix);
  };
  try {
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_API_URL: slackApiUrl,
      GOVERNANCE_FILE: governanceFile,
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
      LOG_LEVEL: 'silent',
    });
    const accord = await startAccord(config, {
      logger: createLogger(config.logLevel),
      redisPrefix,
      shutdownGraceMs: 2000,
    });
    return {
      url: accord.url,
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

/** The step's queues, jobs left undelivered and SLA timers four hours out: all under its prefix. */
async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}
