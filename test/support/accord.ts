import { type Accord, type StartOptions, startAccord } from '../../bot/app';
import { type Config, loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import type { TestDatabase } from './database';
import { testRedisUrl, uniquePrefix } from './redis';
import { SIGNING_SECRET } from './slack-requests';

/** Environment for a bot under test: its own database, Redis prefix and fake platforms. */
export function testConfig(database: TestDatabase, env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    LOG_LEVEL: 'silent',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    ...env,
  });
}

export async function startTestAccord(
  config: Config,
  options: Pick<StartOptions, 'clock' | 'reconcileIntervalMs' | 'dueAtOnceSafetyPollMs'> = {},
): Promise<Accord> {
  return startAccord(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    redisPrefix: uniquePrefix('accord'),
    jobSchema: uniquePrefix('jobs').replaceAll('-', '_'),
    shutdownGraceMs: 2000,
    ...options,
  });
}
