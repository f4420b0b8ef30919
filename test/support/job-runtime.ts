import { Redis } from 'ioredis';
import { createJobBackend, type JobBackend } from '../../bot/jobs/job-backend';
import { createJobRuntime, type JobRuntimeDeps } from '../../bot/jobs/job-runtime';
import { createLogger } from '../../bot/logger';
import { createMetrics } from '../../bot/metrics';
import type { Clock } from '../../workflows/core/clock';
import type { ChatPort } from '../../workflows/core/ports';
import type { TimerHandler } from '../../workflows/core/timers';
import type { TestDatabase } from './database';
import { uniquePrefix } from './redis';

/** The two job stores the bot runs on, each with a way to lose everything it holds. */
export type BackendUnderTest = {
  label: string;
  create: (database: TestDatabase) => { backend: JobBackend; loseAllJobs: () => Promise<void> };
};

export const redisBackendUnderTest = (redisUrl: string): BackendUnderTest => ({
  label: 'Redis',
  create: () => ({
    backend: createJobBackend({ redisUrl, prefix: uniquePrefix('jobs') }),
    loseAllJobs: async () => {
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      await redis.quit();
    },
  }),
});

export const postgresBackendUnderTest: BackendUnderTest = {
  label: 'Postgres',
  create: (database) => {
    const schema = 'bullmq_test';
    return {
      backend: createJobBackend({ databaseUrl: database.url, schema }),
      loseAllJobs: async () => {
        await database.pool.query(`TRUNCATE ${schema}.job CASCADE`);
      },
    };
  },
};

export function startRuntime(
  database: TestDatabase,
  backend: JobBackend,
  options: {
    chat?: ChatPort;
    handlers?: Record<string, TimerHandler>;
    clock?: Clock;
    warmUps?: JobRuntimeDeps['warmUps'];
    deliveriesPerSecond?: number;
    teamsDeliveriesPerSecond?: number;
  } = {},
) {
  return createJobRuntime({
    backend,
    db: database.db,
    clock: options.clock ?? { now: () => new Date() },
    chat: options.chat ?? {
      send: async () => {
        throw new Error('no chat in this test');
      },
      update: async () => {
        throw new Error('no chat in this test');
      },
    },
    timerHandlers: new Map(Object.entries(options.handlers ?? {})),
    deliveriesPerSecond: options.deliveriesPerSecond ?? 200,
    teamsDeliveriesPerSecond: options.teamsDeliveriesPerSecond ?? 50,
    warmUps: options.warmUps,
    logger: createLogger('silent'),
    metrics: createMetrics(),
  });
}
