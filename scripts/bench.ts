/**
 * `npm run bench`: the `/escalate` slash command of the real bot against a bare Bolt app that only
 * acknowledges, at fixed offered rates, in one run so the ratios hold on a noisy machine; then
 * reminders due within a minute, fired by two worker processes, against raw BullMQ delayed jobs
 * (scripts/bench/reminders/index.ts). BENCH_ONLY=escalate or BENCH_ONLY=reminders runs one section.
 *
 * For each rate: the bare Bolt app, then Accord (fresh database and Redis database each time). The
 * load comes from a forked process that also hosts the fake Slack Web API and takes every timestamp.
 * Each step also reports where the machine's CPU went, by process (scripts/bench/cpu-shares.ts).
 * Needs Postgres on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, as the tests do.
 *
 *   BENCH_RATES=100,500,1000  BENCH_SECONDS=5  BENCH_WARMUP_SECONDS=1  BENCH_DRAIN_SECONDS=30
 *   BENCH_WARMUP_WITH=raises|list (what the warm-up sends: see RunParams.warmupWith)
 *   BENCH_ONLY=escalate|reminders  BENCH_DELIVERY_RATE_LIMIT (the bots' DELIVERY_RATE_LIMIT, and
 *   TEAMS_DELIVERY_RATE_LIMIT in the /escalate section; unset, the /escalate section lifts both to
 *   10,000 and the reminders section keeps the bots' default)
 *   BENCH_REMINDERS=10000 (and the others in bench/reminders/index.ts)
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startBenchAccord, WORKER_NICENESS } from './bench/accord-target';
import { startBareBolt } from './bench/bare-bolt';
import { captureConsole } from './bench/console-capture';
import { forkGenerator } from './bench/generator';
import type { RunParams, StepResult } from './bench/protocol';
import { benchDeliveryRateLimit, reminderSettings, runRemindersBench } from './bench/reminders/index';
import { ackTable, cpuTable, dmTable, type Step, verdict } from './bench/report';

/** `pids`: its processes other than this one (which hosts the web instance), by name. */
type Target = { url: string; close: () => Promise<void>; pids?: Record<string, number> };

function numberFrom(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function warmupChoice(value: string): RunParams['warmupWith'] {
  if (value !== 'raises' && value !== 'list') throw new Error('BENCH_WARMUP_WITH must be raises or list');
  return value;
}

const seconds = numberFrom('BENCH_SECONDS', 5);
const warmupSeconds = numberFrom('BENCH_WARMUP_SECONDS', 1);
const drainSeconds = numberFrom('BENCH_DRAIN_SECONDS', 30);
const warmupWith = warmupChoice(process.env.BENCH_WARMUP_WITH?.trim() || 'raises');
const requestTimeoutMs = 10_000;
const sections = ['escalate', 'reminders'] as const;
const only = process.env.BENCH_ONLY?.trim() || undefined;
if (only !== undefined && !sections.includes(only as (typeof sections)[number])) {
  throw new Error(`BENCH_ONLY must be one of ${sections.join(', ')}`);
}
const reminders = only === 'escalate' ? undefined : reminderSettings();
const deliveryRateLimit = benchDeliveryRateLimit();
/**
 * The /escalate section's send limits, lifted unless asked otherwise, so its raise-to-DM figures
 * measure Accord: at the bot's defaults (200 a second, 50 to Teams) 500 raises a second ask for
 * 2,500 messages a second, and the limits alone would set when deciders hear of them.
 */
const escalateRateLimit = deliveryRateLimit ?? 10_000;
const rates = (process.env.BENCH_RATES ?? '100,500,1000').split(',').map((rate) => {
  const value = Number(rate.trim());
  if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_RATES: "${rate}" is not a rate`);
  return value;
});

/** One implementation at one rate: a fresh generator (and fake Slack), a fresh target, both closed. */
async function measure(
  rate: number,
  start: (slackApiUrl: string) => Promise<Target>,
  expectDms: boolean,
): Promise<StepResult> {
  const generator = await forkGenerator();
  try {
    const target = await start(generator.apiUrl);
    try {
      const params: RunParams = {
        url: target.url,
        rate,
        seconds,
        warmupSeconds,
        warmupWith,
        prime: 3,
        expectDms,
        drainSeconds,
        requestTimeoutMs,
        cpuPids: { web: process.pid, ...target.pids },
      };
      return await generator.run(params);
    } finally {
      await target.close();
    }
  } finally {
    await generator.close();
  }
}

async function escalateSection() {
  console.log(
    `Accord /escalate benchmark: Node ${process.version}, ${cpus().length} CPUs; open loop, ${seconds} s per ` +
      `rate after ${warmupSeconds} s of ${warmupWith === 'raises' ? 'raises (not counted; the step starts once their messages have all gone)' : '/escalate list (the worker starts the step cold)'};\n` +
      `DM drain bound ${drainSeconds} s; Accord runs as a ROLE=web ` +
      `instance and a ROLE=worker process at nice ${WORKER_NICENESS}; its DELIVERY_RATE_LIMIT and TEAMS_DELIVERY_RATE_LIMIT: ` +
      `${escalateRateLimit} both${deliveryRateLimit ? '' : ' (lifted from 200 and 50; BENCH_DELIVERY_RATE_LIMIT sets them)'}; each raise sends 5 messages\n` +
      '(4 to the fake Slack, 1 to the fake Bot Connector)\n',
  );
  const steps: Step[] = [];
  const botLogs: string[] = [];
  for (const rate of rates) {
    for (const impl of ['bare-bolt', 'accord'] as const) {
      const began = performance.now();
      const captured = captureConsole();
      try {
        const result =
          impl === 'bare-bolt'
            ? await measure(rate, startBareBolt, false)
            : await measure(rate, (apiUrl) => startBenchAccord(apiUrl, escalateRateLimit), true);
        steps.push({ rate, impl, result });
      } finally {
        for (const [line, count] of captured.restore())
          botLogs.push(`  ${rate}/s ${impl}: ${count} x ${line}`);
      }
      console.log(
        `  measured ${impl} at ${rate} req/s (${((performance.now() - began) / 1000).toFixed(0)} s)`,
      );
    }
  }
  console.log(`\n/escalate acknowledgement (request sent -> full response received, ${seconds} s per rate)`);
  console.log(ackTable(steps));
  console.log(
    `  err: not 200, or no answer within ${requestTimeoutMs / 1000} s (>${requestTimeoutMs} in the percentiles); >3s: later than\n` +
      "  Slack's 3 s limit (the user would see an error); thr/s: 200s from the first send to the last 200;\n" +
      '  send lag: how late the generator sent, worst case, against its fixed schedule',
  );
  console.log(`\nraise-to-DM (request sent -> the fake Slack receives chat.postMessage to U0DAVE naming it)`);
  console.log(dmTable(steps));
  console.log(
    '  raised: 200 acks naming an ESC-n; missing: no DM when the drain wait (after the last ack) ended,\n' +
      '  counted as >drain in the percentiles',
  );
  console.log(
    `  each raise asks 2 deciders (U0DAVE on Slack, bob on Teams): at DELIVERY_RATE_LIMIT and TEAMS_DELIVERY_RATE_LIMIT\n` +
      `  ${escalateRateLimit}, raises beyond ${escalateRateLimit / 2} a second queue for the limit however fast Accord routes them`,
  );
  console.log('\nCPU by process (100 = one core busy for the whole window)');
  console.log(cpuTable(steps, cpus().length));
  console.log(
    "  web: this process, which hosts the bare Bolt app or Accord's ROLE=web instance; worker: Accord's\n" +
      '  ROLE=worker process; generator: the load generator with the fake Slack and Bot Connector;\n' +
      '  postgres, redis: all their processes; other: the rest of the machine',
  );
  if (botLogs.length > 0) console.log(`\nwhat the bots wrote to the console\n${botLogs.join('\n')}`);
  console.log(`\n${verdict(steps)}`);
}

async function main() {
  if (only !== 'reminders') await escalateSection();
  if (only === undefined) console.log('');
  if (reminders) await runRemindersBench(reminders);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
