import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startFakeSlack } from '../support/fake-slack';
import { writeGovernanceFile } from '../support/governance-file';
import { testRedisUrl } from '../support/redis';
import { SIGNING_SECRET } from '../support/slack-requests';
import { type RunningBot, spawnBot } from '../support/spawn-bot';
import { waitFor } from '../support/wait';

// Logical database 10 is this file's alone: the test flushes it.
const redisUrl = testRedisUrl(10);
const ATTENDEES = ['U0ANN', 'U0BEN', 'U0CAT', 'U0DAN'];

describe('reminders with two worker processes, a crash and a lost Redis', () => {
  let database: TestDatabase;
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  const bots: RunningBot[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    slack = await startFakeSlack();
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    await redis.quit();
  });
  afterAll(async () => {
    for (const bot of bots) bot.child.kill('SIGKILL');
    await slack?.close();
    await database?.drop();
  });

  it('sends each reminder exactly once, even when one process is killed and Redis is flushed before it is due', async () => {
    const start = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000);
    const governanceFile = await writeGovernanceFile(`
relationships:
  - id: duo
    name: Duo
    client: Client Co
    provider: Provider Co
    timezone: America/New_York
    people:
${ATTENDEES.map((id, index) => `      - { id: p${index}, name: Person ${index}, side: ${index % 2 ? 'provider' : 'client'}, slack: ${id} }`).join('\n')}
    escalation:
      executive: p0
      levels:
        - { name: First, approvers: [p1], respond_within: 4h }
    reviews:
      - id: standup
        title: Stand-up
        start: ${start.toISOString()}
        duration: 15m
        attendees: [${ATTENDEES.map((_, index) => `p${index}`).join(', ')}]
        remind_before: [6s, 3s]
`);
    const env = {
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.apiUrl,
      GOVERNANCE_FILE: governanceFile,
    };
    const first = spawnBot({ ...env, ROLE: 'all' });
    const second = spawnBot({ ...env, ROLE: 'worker' });
    bots.push(first, second);
    await Promise.all([first.ready, second.ready]);

    // One process dies without warning and Redis loses everything: the survivor still sends every
    // reminder, once.
    first.child.kill('SIGKILL');
    await first.exit;
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    await redis.quit();
    const reminders = () =>
      slack
        .callsTo('chat.postMessage')
        .filter((call) => String(call.body.text).startsWith('Stand-up starts'));
    await waitFor(() => (reminders().length >= ATTENDEES.length * 2 ? true : undefined), {
      what: 'both reminders to every attendee',
      timeoutMs: 45_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const perAttendee = new Map<string, number>();
    for (const call of reminders())
      perAttendee.set(String(call.body.channel), (perAttendee.get(String(call.body.channel)) ?? 0) + 1);
    expect(Object.fromEntries(perAttendee)).toEqual(Object.fromEntries(ATTENDEES.map((id) => [id, 2])));
  }, 90_000);
});
