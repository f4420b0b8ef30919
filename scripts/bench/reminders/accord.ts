/**
 * The real bot: reminders of one-off reviews, due over the window, fired by two bot processes
 * (ROLE=all and ROLE=worker) on one fresh database and one Redis logical database, DMing a fake
 * Slack in its own process. Everything it started is stopped and dropped before it returns.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { writeGovernanceFile } from '../../../test/support/governance-file';
import { flush } from './baseline';
import { startBots } from './bots';
import { forkHelper, type Helper } from './child';
import { dueAt, governanceYaml, parseDm, type ReminderPlan } from './governance';
import { type Outcome, outcomeOf } from './outcome';
import { type Sampling, startSampler } from './sampler';
import type { Post, SlackProgress, SlackReady, SlackReport } from './slack-process';

type SlackHelper = Helper<SlackReady, SlackProgress | SlackReport>;

/** Waits that never keep the process alive by themselves: after a failure it exits at once. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

const slackEntry = fileURLToPath(new URL('./slack-process.ts', import.meta.url));

export type AccordOptions = {
  redisUrl: string;
  count: number;
  warmup: number;
  windowMs: number;
  /** From launching the bots to the first due instant: time to apply the file and set the timers. */
  leadMs: number;
  drainMs: number;
  /** The bots' DELIVERY_RATE_LIMIT; unset, their default. */
  deliveryRateLimit: number | undefined;
};

export type AccordResult = {
  plan: ReminderPlan;
  launchedAt: number;
  /** When each bot was ready, and when all reminder timers were committed (epoch ms). */
  readyAt: (number | undefined)[];
  scheduledAt: number | undefined;
  reminders: Outcome;
  /** [reminder index, lateness of its first DM] for every reminder DM that arrived. */
  reminderLateness: [number, number][];
  /** timers.fired_at - timers.due_at of each fired reminder timer, ms. */
  firingMs: number[];
  /** First reminder DM arrival - timers.fired_at, ms. */
  firedToDmMs: number[];
  notFired: number;
  firedAt: number[];
  posts: Post[];
  otherCalls: Record<string, number>;
  outbox: { rows: number; sent: number; failed: number; retried: number };
  sampling: Sampling;
  botLog: [string, number][];
};

export async function runAccordReminders(options: AccordOptions): Promise<AccordResult> {
  const { redisUrl, count, windowMs, leadMs, drainMs, warmup } = options;
  await flush(redisUrl);
  const cleanups: (() => Promise<unknown>)[] = [() => flush(redisUrl)];
  try {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const slack: SlackHelper = await forkHelper(slackEntry);
    cleanups.push(() => slack.stop());
    const launchedAt = Date.now();
    const plan: ReminderPlan = { count, firstDueAt: launchedAt + leadMs, windowMs, warmup };
    const governanceFile = await writeGovernanceFile(governanceYaml(plan));
    cleanups.push(() => rm(path.dirname(governanceFile), { recursive: true, force: true }));
    const sampler = startSampler(database.pool, database.name, redisUrl);
    cleanups.push(() => sampler.stop());
    const bots = startBots({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      SLACK_API_URL: slack.ready.apiUrl,
      GOVERNANCE_FILE: governanceFile,
      ...(options.deliveryRateLimit ? { DELIVERY_RATE_LIMIT: String(options.deliveryRateLimit) } : {}),
      ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}),
    });
    cleanups.push(() => bots.stop());

    const deadline = dueAt(plan, count - 1) + drainMs;
    const scheduledAt = await Promise.race([whenScheduled(database, count, deadline), bots.crashed]);
    await Promise.race([bots.ready, sleep(Math.max(0, deadline - Date.now())), bots.crashed]);
    const report = await Promise.race([waitForDms(slack, plan, deadline), bots.crashed]);
    await bots.stop();
    await sampler.stop();

    const timers = await firedTimers(database);
    const arrivals: [number, number][] = [];
    const firstDm = new Map<number, number>();
    for (const post of report.posts) {
      const index = parseDm(post.text);
      if (index === undefined) continue;
      arrivals.push([index, post.at - dueAt(plan, index)]);
      firstDm.set(index, Math.min(post.at, firstDm.get(index) ?? Infinity));
    }
    const fired = timers.filter((timer) => timer.firedAt !== null);
    const firedToDmMs: number[] = [];
    for (const timer of fired) {
      const dm = firstDm.get(timer.index);
      if (dm !== undefined) firedToDmMs.push(dm - (timer.firedAt as number));
    }
    return {
      plan,
      launchedAt,
      readyAt: bots.readyAt,
      scheduledAt,
      reminders: outcomeOf(count, arrivals),
      reminderLateness: [...firstDm].map(([i, at]) => [i, at - dueAt(plan, i)]),
      firingMs: fired.map((timer) => (timer.firedAt as number) - timer.dueAt),
      firedToDmMs,
      notFired: count - fired.length,
      firedAt: fired.map((timer) => timer.firedAt as number),
      posts: report.posts,
      otherCalls: report.otherCalls,
      outbox: await outboxCounts(database),
      sampling: sampler.sampling,
      botLog: bots.logLines(),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

/** Polls until every reminder timer is committed; undefined if that never happened by `deadline`. */
async function whenScheduled(database: TestDatabase, count: number, deadline: number) {
  while (Date.now() < deadline) {
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM timers WHERE name = 'review.remind' AND payload->>'seriesId' LIKE 'r%'",
    );
    if ((rows[0]?.n ?? 0) >= count) return Date.now();
    await sleep(250);
  }
  return undefined;
}

/** Waits for every reminder DM until the bound; then a little longer, for duplicates. */
async function waitForDms(slack: SlackHelper, plan: ReminderPlan, deadline: number): Promise<SlackReport> {
  await sleep(Math.max(0, dueAt(plan, plan.count - 1) - Date.now()));
  for (;;) {
    const { distinctDms } = (await slack.ask('progress')) as SlackProgress;
    if (distinctDms >= plan.count || Date.now() >= deadline) break;
    await sleep(500);
  }
  await sleep(3000);
  return (await slack.ask('report')) as SlackReport;
}

async function firedTimers(database: TestDatabase) {
  const { rows } = await database.pool.query<{ series: string; due: number; fired: number | null }>(
    `SELECT payload->>'seriesId' AS series,
            (extract(epoch FROM due_at) * 1000)::float8 AS due,
            (extract(epoch FROM fired_at) * 1000)::float8 AS fired
       FROM timers WHERE name = 'review.remind' AND payload->>'seriesId' LIKE 'r%'`,
  );
  return rows.map((row) => ({
    index: Number(row.series.replace(/^r/, '')),
    dueAt: row.due,
    firedAt: row.fired,
  }));
}

async function outboxCounts(database: TestDatabase) {
  const { rows } = await database.pool.query<AccordResult['outbox']>(
    `SELECT count(*)::int AS rows, count(sent_at)::int AS sent, count(failed_at)::int AS failed,
            count(*) FILTER (WHERE attempts > 1)::int AS retried
       FROM outbox`,
  );
  return rows[0] ?? { rows: 0, sent: 0, failed: 0, retried: 0 };
}
