/**
 * The reminders section of `npm run bench`: reminders due within one window, fired by two Accord
 * worker processes, beside raw BullMQ delayed jobs on the same schedule run by two worker processes.
 * Loopback only: Postgres and Redis as the tests use them (Redis logical database 11, which it
 * flushes before and after each part, refusing if anything else has written there).
 *
 *   BENCH_REMINDERS=10000  BENCH_REMINDER_WINDOW_SECONDS=60  BENCH_REMINDER_DRAIN_SECONDS=120
 *   BENCH_DELIVERY_RATE_LIMIT (the bots' DELIVERY_RATE_LIMIT; unset: their default, 200 a second)
 *   BENCH_BOT_NODE_OPTIONS (NODE_OPTIONS for the bots, to profile them)
 *   BENCH_REMINDER_LEAD_SECONDS (default grows with the count: the bots apply the file and set
 *   every timer before the first one is due)
 *   BENCH_REMINDER_WARMUP=0 (reminders due 30 to 20 s before the measured ones, not counted, to
 *   warm the bots' code and connections as a running bot's are; by default the bots start cold)
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { testRedisUrl } from '../../../test/support/redis';
import { type AccordResult, runAccordReminders } from './accord';
import { runBaseline } from './baseline';
import type { Outcome } from './outcome';
import {
  latenessTable,
  reminderVerdict,
  setupLine,
  stageTable,
  timelineTable,
  topStatements,
} from './report';

/** A logical database no test uses: both parts run in it one after the other, and it is flushed. */
const REDIS_DB = 11;
const BASELINE_LEAD_MS = 5000;

function numberFrom(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/**
 * Starting up applies the file and syncs every series, in time that grows with the square of their
 * count: on a 2-core machine both bots were ready 98 s after launch with 10,000 (this gives 160 s).
 */
const defaultLeadSeconds = (count: number) => Math.round(40 + 1.2e-6 * count * count);

export type ReminderSettings = {
  count: number;
  warmup: number;
  windowMs: number;
  drainMs: number;
  leadMs: number;
  deliveryRateLimit: number | undefined;
};

/** The bots' DELIVERY_RATE_LIMIT, in both sections of the bench; unset: their default. */
export function benchDeliveryRateLimit(): number | undefined {
  return process.env.BENCH_DELIVERY_RATE_LIMIT ? numberFrom('BENCH_DELIVERY_RATE_LIMIT', 200) : undefined;
}

/** Read (and checked) before any section runs, so a typo fails at once. */
export function reminderSettings(): ReminderSettings {
  const count = Math.round(numberFrom('BENCH_REMINDERS', 10_000));
  const warmupAsked = (process.env.BENCH_REMINDER_WARMUP ?? '0') !== '0';
  const warmup = warmupAsked ? Math.round(numberFrom('BENCH_REMINDER_WARMUP', 1)) : 0;
  return {
    count,
    warmup,
    windowMs: numberFrom('BENCH_REMINDER_WINDOW_SECONDS', 60) * 1000,
    drainMs: numberFrom('BENCH_REMINDER_DRAIN_SECONDS', 120) * 1000,
    // The warm-up comes due 30 s before the measured reminders: that much more lead.
    leadMs:
      numberFrom('BENCH_REMINDER_LEAD_SECONDS', defaultLeadSeconds(count + warmup) + (warmup ? 30 : 0)) *
      1000,
    deliveryRateLimit: benchDeliveryRateLimit(),
  };
}

export async function runRemindersBench(settings: ReminderSettings): Promise<void> {
  const { count, warmup, windowMs, drainMs, leadMs, deliveryRateLimit } = settings;
  console.log(
    `Accord reminders benchmark: ${count} reminders due evenly over ${windowMs / 1000} s, one Slack DM each; ` +
      `two bot processes (ROLE=all, ROLE=worker) launched ${leadMs / 1000} s before the first is due; ` +
      `raw BullMQ baseline: the same schedule, two worker processes; lost: nothing ${drainMs / 1000} s ` +
      `after the last due instant; the bots' DELIVERY_RATE_LIMIT: ${deliveryRateLimit ?? 'their default (200 a second)'}; ` +
      `warm-up: ${warmup ? `${warmup} reminders due 30 to 20 s before the first, not counted` : 'none (the bots start cold)'}\n`,
  );
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const began = performance.now();
    const result = await run();
    const seconds = ((performance.now() - began) / 1000).toFixed(0);
    // The machine may be shared: a load well above its CPU count makes every number worse.
    console.log(
      `  measured ${what} (${seconds} s; load average over 1 min at the end: ${loadavg()[0]?.toFixed(1)})`,
    );
    return result;
  };
  const baseline: Outcome = await step('raw BullMQ', () =>
    runBaseline({
      redisUrl: testRedisUrl(REDIS_DB),
      count,
      windowMs,
      leadMs: BASELINE_LEAD_MS,
      drainMs,
    }),
  );
  const accord: AccordResult = await step('accord', () =>
    runAccordReminders({
      redisUrl: testRedisUrl(REDIS_DB),
      count,
      warmup,
      windowMs,
      leadMs,
      drainMs,
      deliveryRateLimit,
    }),
  );
  console.log(setupLine(accord));

  console.log('\nreminder lateness (due instant -> event)');
  console.log(latenessTable(baseline, accord, drainMs));
  console.log(
    '  bullmq: a job starting in a worker; reminder DM: chat.postMessage reaching the fake Slack;\n' +
      '  timer fired: timers.fired_at. dup: arrivals beyond the first; lost: none by the bound (>bound in\n' +
      '  the percentiles)',
  );
  console.log('\nstages of a reminder (accord)');
  console.log(stageTable(accord));
  console.log(
    '\ntimeline (accord), 10 s buckets from the first due instant. DM p50/p99: lateness of the reminders\n' +
      'due in the bucket whose DM arrived (ms); the last 5 columns: maxima sampled every 0.5 s',
  );
  console.log(timelineTable(accord));
  console.log('\nthe first 10 s (accord), second by second: the same columns');
  console.log(timelineTable(accord, 1000, 10));
  const samples = accord.sampling.samples.length;
  console.log(
    `\n${topStatements('postgres statements waiting on a lock', accord.sampling.waiting, samples)}`,
  );
  console.log(
    topStatements('statements of transactions open longer than 5 s', accord.sampling.longRunning, samples),
  );
  const long = [...accord.sampling.longTransactions.values()].sort((a, b) => b - a);
  const longest = long.slice(0, 8).map((age) => `${age.toFixed(0)} s`);
  console.log(
    `  ${long.length} transactions seen open longer than 5 s; the longest seen open: ${longest.join(', ') || '-'}\n` +
      '  (the statements above: those seen, in each sample, running or last run in a transaction open\n' +
      '  longer than 5 s; which code issued them is not recorded)',
  );
  const { outbox, otherCalls } = accord;
  console.log(
    `\noutbox: ${outbox.rows} rows, ${outbox.sent} sent, ${outbox.failed} failed, ${outbox.retried} retried; ` +
      `other Slack calls: ${JSON.stringify(otherCalls)}\n` +
      `once the bots were stopped: ${accord.notFired} reminder timers not fired yet, ` +
      `${outbox.rows - outbox.sent - outbox.failed} outbox rows not sent yet (Postgres still held them)`,
  );
  if (accord.botLog.length > 0) {
    console.log('\nwhat the bots logged at warn and above');
    for (const [line, n] of accord.botLog) console.log(`  ${n} x ${line}`);
  }
  console.log(`\n${reminderVerdict(accord, drainMs)}`);
}
