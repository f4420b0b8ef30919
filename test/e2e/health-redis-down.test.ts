import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { startTestAccord, testConfig } from '../support/accord';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startOwnRedis } from '../support/redis-server';
import { waitFor } from '../support/wait';

describe('/healthz when Redis goes away', () => {
  let database: TestDatabase;
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let accord: Accord;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startOwnRedis();
    accord = await startTestAccord(testConfig(database, { REDIS_URL: redis.url }));
  });
  afterAll(async () => {
    await redis?.stop();
    await accord?.close();
    await database?.drop();
  });

  it('answers 200 while Redis answers, then 503 naming the queue once it is down', async () => {
    expect((await fetch(`${accord.url}/healthz`)).status).toBe(200);
    await redis.stop();
    const body = await waitFor(
      async () => {
        const response = await fetch(`${accord.url}/healthz`);
        return response.status === 503 ? response.json() : undefined;
      },
      { what: '503 from /healthz' },
    );
    expect(body).toMatchObject({ status: 'unavailable', database: 'up', queue: 'down' });
  });
});
