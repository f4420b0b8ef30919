/**
 * The baseline: raw BullMQ delayed jobs due on the same schedule as the reminders (the same count
 * over the same window, relative to when they are queued), run by two worker processes.
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createJobBackend } from '../../../bot/jobs/job-backend';
import type { BaselineJob, BaselineRuns } from './baseline-worker';
import { forkHelper, type Helper } from './child';
import { type Outcome, outcomeOf } from './outcome';

const entry = fileURLToPath(new URL('./baseline-worker.ts', import.meta.url));
const QUEUE = 'bench-baseline';
const PREFIX = 'bench-baseline';
const WORKERS = 2;
const ADD_BATCH = 1000;

export type BaselineOptions = {
  redisUrl: string;
  count: number;
  windowMs: number;
  /** From the moment the jobs are queued to the first due instant. */
  leadMs: number;
  /** How long after the last due instant a job may still arrive before it counts as lost. */
  drainMs: number;
};

export async function runBaseline(options: BaselineOptions): Promise<Outcome> {
  const { redisUrl, count, windowMs, leadMs, drainMs } = options;
  await flush(redisUrl);
  const workers: Helper<string, BaselineRuns>[] = [];
  const backend = createJobBackend({ redisUrl, prefix: PREFIX });
  try {
    const env = { BASELINE_REDIS_URL: redisUrl, BASELINE_PREFIX: PREFIX, BASELINE_QUEUE: QUEUE };
    for (let w = 0; w < WORKERS; w++) workers.push(await forkHelper<string, BaselineRuns>(entry, env));
    const queue = backend.queue(QUEUE);
    const firstDueAt = Date.now() + leadMs;
    const dueAt = (i: number) => firstDueAt + Math.floor((i * windowMs) / count);
    for (let from = 0; from < count; from += ADD_BATCH) {
      const now = Date.now();
      const jobs = [];
      for (let i = from; i < Math.min(count, from + ADD_BATCH); i++) {
        jobs.push({
          name: 'fire',
          data: { i, dueAt: dueAt(i) } satisfies BaselineJob,
          opts: { jobId: `job.${i}`, delay: Math.max(0, dueAt(i) - now), removeOnComplete: true },
        });
      }
      await queue.addBulk(jobs);
    }
    const runs = async () => (await Promise.all(workers.map((worker) => worker.ask('runs')))).flat();
    const deadline = dueAt(count - 1) + drainMs;
    await sleep(Math.max(0, dueAt(count - 1) - Date.now()));
    let seen = await runs();
    while (new Set(seen.map(([i]) => i)).size < count && Date.now() < deadline) {
      await sleep(500);
      seen = await runs();
    }
    await sleep(1000); // a late duplicate would show up here
    seen = await runs();
    await queue.close();
    return outcomeOf(count, seen);
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await backend.close();
    await flush(redisUrl);
  }
}

/** Key prefixes this bench writes: the bot's fixed one and the baseline's. */
const OWN_PREFIXES = ['accord:', `${PREFIX}:`];

/** Empties the bench's logical database, after checking that nothing else has written to it. */
export async function flush(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ count: 1000 })) {
      const foreign = (keys as string[]).find((key) => !OWN_PREFIXES.some((own) => key.startsWith(own)));
      if (foreign) throw new Error(`${redisUrl} holds "${foreign}", not this bench's: refusing to flush it`);
    }
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
