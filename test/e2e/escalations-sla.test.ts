import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { auditEvents } from '../../db/schema/audit';
import { escalations } from '../../db/schema/escalations';
import { type BotUnderTest, startBotUnderTest } from '../support/bot-under-test';
import type { TestDatabase } from '../support/database';
import type { FakeSlack } from '../support/fake-slack';
import { postSlashCommand } from '../support/slack-requests';
import { waitFor } from '../support/wait';

const fixture = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));

describe('escalation SLAs in real time (the "fast" relationship answers within 2 s per level)', () => {
  let database: TestDatabase;
  let slack: FakeSlack;
  let accord: Accord;
  let bot: BotUnderTest | undefined;

  beforeAll(async () => {
    bot = await startBotUnderTest({ governance: { file: fixture }, teams: false });
    ({ database, slack, accord } = bot);
  });
  afterAll(() => bot?.close());

  const textsTo = (channel: string) =>
    slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body.channel === channel)
      .map((call) => String(call.body.text));

  it('moves up a level when the SLA runs out, updates the old request and tells the executive, then reminds at the top at most 3 times', async () => {
    const response = await postSlashCommand(accord.url, { text: 'Database latency', user_id: 'U0GINA' });
    const ref = /ESC-\d+/.exec(((await response.json()) as { text: string }).text)?.[0] ?? '';
    const id = Number(ref.slice(4));
    await waitFor(() => textsTo('U0HANK').find((text) => text.includes(ref)), { what: 'level 1 request' });

    await waitFor(() => textsTo('U0IVY').find((text) => text.includes(`${ref} needs your decision`)), {
      what: 'level 2 request after the SLA',
      timeoutMs: 8000,
    });
    await waitFor(
      () =>
        slack
          .callsTo('chat.update')
          .find(
            (call) =>
              call.body.channel === 'DU0HANK' && JSON.stringify(call.body).includes('Moved on to level 2'),
          ),
      { what: 'level 1 request updated' },
    );
    await waitFor(
      () => textsTo('U0JON').find((text) => text.includes(`${ref} moved to level 2 (Second line)`)),
      {
        what: 'executive told of the move',
      },
    );

    await waitFor(
      () => textsTo('U0JON').find((text) => text.includes(`${ref} moved to level 3 (Top), the top level`)),
      {
        what: 'top level reached',
        timeoutMs: 8000,
      },
    );
    await waitFor(() => textsTo('U0JON').find((text) => text.includes(`Reminder 3 of 3: ${ref}`)), {
      what: 'third reminder',
      timeoutMs: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(textsTo('U0JON').filter((text) => text.includes(`Reminder`) && text.includes(ref))).toHaveLength(
      3,
    );
    const [row] = await database.db.select().from(escalations).where(eq(escalations.id, id));
    expect(row).toMatchObject({ status: 'open', level: 3, topReminders: 3 });
    const moves = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subject, `escalation:${id}`));
    expect(moves.filter((event) => event.kind === 'escalation.moved_up')).toHaveLength(2);
  }, 40_000);

  it('tells the executive when an approver cannot be reached, and records it on the timeline', async () => {
    slack.script('chat.postMessage', {
      status: 200,
      body: { ok: false, error: 'user_not_found' },
      when: (body) => body.channel === 'U0HANK',
    });
    const response = await postSlashCommand(accord.url, { text: 'Nobody home', user_id: 'U0GINA' });
    const ref = /ESC-\d+/.exec(((await response.json()) as { text: string }).text)?.[0] ?? '';
    const told = await waitFor(
      () => textsTo('U0JON').find((text) => text.includes(`could not be reached about ${ref}`)),
      {
        what: 'executive told of the failure',
      },
    );
    expect(told).toContain('user_not_found');
    const failures = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subject, `escalation:${ref.slice(4)}`));
    expect(failures.some((event) => event.kind === 'delivery.failed')).toBe(true);
  });

  it('skips a level whose only approver is away with no delegate, and tells the executive', async () => {
    const away = await postSlashCommand(accord.url, { text: 'away 1w', user_id: 'U0HANK' });
    expect(((await away.json()) as { text: string }).text).toContain('your requests skip you (no delegate)');
    const response = await postSlashCommand(accord.url, { text: 'Nobody on first line', user_id: 'U0GINA' });
    const text = ((await response.json()) as { text: string }).text;
    const ref = /ESC-\d+/.exec(text)?.[0] ?? '';
    expect(await waitFor(() => textsTo('U0GINA').find((line) => line.includes(`${ref} went to`)))).toContain(
      `${ref} went to Ivy Second (level 2 (Second line)).`,
    );
    // Stored at level 2 too, so Ivy's decision is taken as the current level's.
    const [row] = await database.db
      .select()
      .from(escalations)
      .where(eq(escalations.id, Number(ref.slice(4))));
    expect(row).toMatchObject({ status: 'open', level: 2 });
    await waitFor(() =>
      textsTo('U0JON').find((line) =>
        line.includes(
          `raised ${ref} at level 2 (Second line). Nobody could be reached at level 1 (First line)`,
        ),
      ),
    );
    await postSlashCommand(accord.url, { text: 'back', user_id: 'U0HANK' });
  });
});
