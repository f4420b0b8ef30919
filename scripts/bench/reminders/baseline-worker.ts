/**
 * One raw BullMQ worker process of the baseline: the bot's own queue backend and timer-worker
 * concurrency, and a processor that does nothing but note how late each job started.
 */
import { createJobBackend } from '../../../bot/jobs/job-backend';

export type BaselineJob = { i: number; dueAt: number };
/** [job index, lateness ms] for every run of a job, duplicates included. */
export type BaselineRuns = [number, number][];

const { BASELINE_REDIS_URL = '', BASELINE_PREFIX = '', BASELINE_QUEUE = '' } = process.env;
const backend = createJobBackend({ redisUrl: BASELINE_REDIS_URL, prefix: BASELINE_PREFIX });
const runs: BaselineRuns = [];
const worker = backend.worker(
  BASELINE_QUEUE,
  async (job) => {
    const { i, dueAt } = job.data as BaselineJob;
    runs.push([i, Date.now() - dueAt]);
  },
  { concurrency: 10 },
);
worker.on('error', (error) => console.error('baseline worker:', error.message));
await worker.waitUntilReady();

process.on('message', () => process.send?.(runs));
process.on('disconnect', () => {
  void Promise.allSettled([worker.close(true)])
    .then(() => backend.close())
    .finally(() => process.exit(0));
});
process.send?.('ready');
