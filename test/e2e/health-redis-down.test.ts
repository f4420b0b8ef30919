import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { escalations } from '../../db/schema/escalations';
import { outbox } from '../../db/schema/jobs';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import { startOwnRedis } from '../support/redis-server';
import { postSlashCommand } from '../support/slack-requests';
import { waitFor } from '../support/wait';

const fixture = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));

describe('when Redis goes away', () => {
  let database: TestDatabase;
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    redis = await startOwnRedis();
    bot = await startBotUnderTest({
      governance: { file: fixture },
      env: { REDIS_URL: redis.url },
      teams: false,
    });
    ({ database, accord } = bot);
  });
  afterAll(async () => {
    await redis?.stop();
    await bot?.close();
  });

  it('/healthz answers 200 while Redis answers, then 503 naming the queue once it is down', async () => {
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

  it('/escalate still confirms at once, stores the escalation and routes it (its timer is polled from Postgres)', async () => {
    // The test above stopped Redis.
    const started = Date.now();
    const response = await postSlashCommand(accord.url, { text: 'Queue is down', user_id: 'U0ALICE' });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toMatch(/ESC-\d+/);
    // Slack shows the user an error after 3 s.
    expect(Date.now() - started).toBeLessThan(2000);
    const stored = await database.db.select().from(escalations).where(eq(escalations.title, 'Queue is down'));
    expect(stored).toHaveLength(1);
    // The approver's request is written, to be sent once the send limit (kept on Redis) answers.
    const request = await waitFor(
      async () => {
        const rows = await database.db
          .select()
          .from(outbox)
          .where(eq(outbox.topic, `escalation:${stored[0]?.id}`));
        return rows.find((row) => JSON.stringify(row.recipient).includes('U0DAVE'));
      },
      { what: "the approver's request" },
    );
    expect(request.sentAt).toBeNull();
  });
});
