/**
 * Samples, twice a second while the bots run, what could make a reminder late: transactions
 * waiting on a row lock (and what holds the oldest transaction open), and BullMQ backlogs.
 */
import type pg from 'pg';
import { createJobBackend } from '../../../bot/jobs/job-backend';
import { DELIVERY_QUEUES, TIMER_QUEUE } from '../../../bot/jobs/job-runtime';

export type Sample = {
  at: number;
  lockWaits: number;
  oldestTransactionS: number;
  timerJobsReady: number;
  deliveryJobsReady: number;
  deliveryJobsDelayed: number;
};

export type Sampling = {
  samples: Sample[];
  /** How often each statement (shortened) was seen waiting on a lock, over all samples. */
  waiting: Map<string, number>;
  /** How often each statement was seen running in a transaction open for more than 5 s. */
  longRunning: Map<string, number>;
  /** Each transaction seen open for more than 5 s (by backend and start): how long it was seen open, s. */
  longTransactions: Map<string, number>;
};

const INTERVAL_MS = 500;

const ACTIVITY = `
  SELECT wait_event_type = 'Lock' AS waiting,
         pid || '@' || xact_start AS transaction,
         extract(epoch FROM now() - xact_start)::float8 AS age_s,
         regexp_replace(query, '\\s+', ' ', 'g') AS query
    FROM pg_stat_activity
   WHERE datname = $1 AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`;

export function startSampler(pool: pg.Pool, databaseName: string, redisUrl: string) {
  const backend = createJobBackend({ redisUrl, prefix: 'accord' });
  const timerQueue = backend.queue(TIMER_QUEUE);
  const deliveryQueues = Object.values(DELIVERY_QUEUES).map((name) => backend.queue(name));
  const sampling: Sampling = {
    samples: [],
    waiting: new Map(),
    longRunning: new Map(),
    longTransactions: new Map(),
  };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let stopped = false;

  async function sample() {
    const at = Date.now();
    const [activity, timers, ...byPlatform] = await Promise.all([
      pool.query<{ waiting: boolean; transaction: string; age_s: number; query: string }>(ACTIVITY, [
        databaseName,
      ]),
      timerQueue.getJobCounts('wait', 'active', 'prioritized'),
      ...deliveryQueues.map((queue) => queue.getJobCounts('wait', 'active', 'prioritized', 'delayed')),
    ]);
    const deliveries = (state: string) => byPlatform.reduce((sum, counts) => sum + (counts[state] ?? 0), 0);
    for (const row of activity.rows) {
      row.query = shorten(row.query);
      if (row.waiting) bump(sampling.waiting, row.query);
      if (row.age_s > 5) {
        bump(sampling.longRunning, row.query);
        sampling.longTransactions.set(row.transaction, row.age_s);
      }
    }
    sampling.samples.push({
      at,
      lockWaits: activity.rows.filter((row) => row.waiting).length,
      oldestTransactionS: Math.max(0, ...activity.rows.map((row) => row.age_s)),
      timerJobsReady: (timers.wait ?? 0) + (timers.active ?? 0) + (timers.prioritized ?? 0),
      deliveryJobsReady: deliveries('wait') + deliveries('active') + deliveries('prioritized'),
      deliveryJobsDelayed: deliveries('delayed'),
    });
  }

  const loop = (async () => {
    while (!stopped) {
      const began = Date.now();
      await sample().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, INTERVAL_MS - (Date.now() - began))));
    }
  })();

  return {
    sampling,
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.allSettled([timerQueue, ...deliveryQueues].map((queue) => queue.close()));
      await backend.close();
    },
  };
}

/** The start of a statement and its end, where `FOR UPDATE` or `RETURNING` tells what it does. */
const shorten = (query: string) =>
  query.length <= 90 ? query : `${query.slice(0, 55)} ... ${query.slice(-30)}`;
