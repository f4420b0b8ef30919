import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import type { FakeSlack } from '../support/fake-slack';
import { postSlashCommand } from '../support/slack-requests';
import { waitFor } from '../support/wait';

const fixture = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));

/**
 * A stored raise wakes the worker through Postgres (LISTEN/NOTIFY), so the approver's request does
 * not wait for a poll. The workers here look on their own only every ten minutes, once they listen:
 * each routing below comes from the raise's notification.
 */
describe('a raise is routed as soon as it is stored', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({
      governance: { file: fixture },
      teams: false,
      start: { dueAtOnceSafetyPollMs: 600_000 },
    });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  /** The worker's listening connection to this test's database, once it listens (on another one). */
  const listener = (not?: number) =>
    waitFor(
      async () => {
        const rows = await database.db.execute<{ pid: number }>(sql`
          SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN %accord_due_at_once%'
            AND pid IS DISTINCT FROM ${not ?? null}::int`);
        return rows.rows[0]?.pid;
      },
      { what: 'the worker listening for raises' },
    );

  const raiseAndAwaitRequest = async (title: string) => {
    const response = await postSlashCommand(accord.url, { text: title, user_id: 'U0ALICE' });
    const ref = /ESC-\d+/.exec(await response.text())?.[0];
    expect(ref).toBeDefined();
    return waitFor(
      () =>
        slack
          .callsTo('chat.postMessage')
          .find((call) => call.body.channel === 'U0DAVE' && String(call.body.text).includes(`${ref} `)),
      { what: `the approver's request for ${ref}`, timeoutMs: 5000 },
    );
  };

  it('sends the approver the request right after the raise, with no poll due', async () => {
    await listener();
    await raiseAndAwaitRequest('Payroll export failing since Monday');
    await raiseAndAwaitRequest('Invoices rejected by the portal');
  });

  it('listens again on a new connection when its connection is lost, and routes at once from it', async () => {
    const lost = await listener();
    await database.db.execute(sql`SELECT pg_terminate_backend(${lost})`);
    await listener(lost);
    await raiseAndAwaitRequest('Raised once it listens again');
  });
});
