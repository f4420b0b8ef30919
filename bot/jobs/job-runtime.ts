import { type Job, Worker } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client';
import { outbox, timers } from '../../db/schema/jobs';
import type { Clock } from '../../workflows/core/clock';
import {
  type DeliveryFailureHandler,
  type DeliveryOutcome,
  deliverNotice,
  deliverNoticesNow,
  type LeftToQueue,
  toQueue,
} from '../../workflows/core/deliver-notice';
import {
  type ChatPort,
  DeliveryError,
  PLATFORMS,
  type Platform,
  perPlatform,
} from '../../workflows/core/ports';
import { fireDue, fireTimer, TimerFailure, type TimerHandler } from '../../workflows/core/timers';
import {
  type AfterCommit,
  createUnitOfWork,
  noQueuedNotices,
  type QueuedNotices,
  queuedCount,
  type ScheduledTimer,
  type UnitOfWork,
} from '../../workflows/core/unit-of-work';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createDoorbell, type Doorbell } from './doorbell';
import { type DueSignals, listenForDueTimers } from './due-signals';
import type { AnyQueue, AnyWorker, JobBackend } from './job-backend';
import { deliveryJobId, timerJobId } from './job-ids';

export const TIMER_QUEUE = 'accord-timers';
/**
 * A delivery queue per platform, each limited to its platform's rate: a backlog, or a pause asked
 * by a 429, on one never holds up the other's jobs. Slack's keeps the name of the one queue before.
 */
export const DELIVERY_QUEUES: Readonly<Record<Platform, string>> = {
  slack: 'accord-deliveries',
  teams: 'accord-deliveries-teams',
};
const DELIVERY_ATTEMPTS = 8;
/**
 * The queue's own limiter counts over tenths of a second, so its waiting jobs do not all wake at
 * once. The allowance, which keeps the limit itself, slides over whole seconds (see send-allowance).
 */
const DELIVERY_LIMIT_WINDOW_MS = 100;
/**
 * Messages to one platform being sent right after their commit, at most, in one process; past it,
 * new ones wait, so a platform that answers slowly cannot pile up claimed rows in one process, nor
 * keep the other platform's messages waiting.
 */
const SENDING_NOW_MAX = 500;
/**
 * Committed messages wait in the process for the send limit and for a place among those being sent,
 * up to this many per platform (seconds of sending): one claim then takes many commits' messages,
 * where a trip through the queue costs each message its own job, claim and mark. Past it, they go to
 * their platform's queue, which any worker drains; a backlog on one platform leaves the other's room
 * alone. Postgres holds them all: a crash loses none (reconciler).
 */
const WAITING_TO_SEND_MAX = 5000;
/**
 * The share of the send limit only requests for a decision may use while requests are about: when
 * messages that only inform saturate the limit, the next request still goes at once. With no request
 * about, informing messages (a burst of reminders) have the whole limit (send-allowance).
 */
const RESERVED_FOR_URGENT = 0.1;
const RECONCILE_BATCH = 1000;
/** Well beyond the pass interval, so every timer is offered on several passes before it is due. */
const RECONCILE_HORIZON_MS = 15 * 60_000;
/** A timer this far past due, or a message queued this long ago, should have had its job by now. */
const OVERDUE_MS = 10_000;
/** Due timers of one kind fired in one transaction; a retried job fires only its own. */
const TIMER_BATCH = 50;
/**
 * Batches of timers a worker fires at once, from jobs and from polls alike. Each takes every due
 * timer of its kind (up to TIMER_BATCH), so more fired no more, and only crowded Postgres, which the
 * web instance answering Slack shares.
 */
const TIMER_CONCURRENCY = 2;
/**
 * How often a worker looks for timers set due at once (a raise's routing) when it found none, while
 * it cannot listen for the commits that set them (due-signals); listening, it looks at once.
 */
const DUE_AT_ONCE_POLL_MS = 50;
/** Listening, a look now and then all the same, in case a notification went missing. */
const DUE_AT_ONCE_SAFETY_POLL_MS = 1000;
/** After a poll failed for another reason than a handler (the database is away). */
const DUE_AT_ONCE_RETRY_MS = 1000;
/** Jobs remembered as fired alongside another (a minute of a 10,000-a-minute burst, and then some). */
const FIRED_ALONGSIDE_MAX = 20_000;
const SENTINEL_JOB = 'sentinel';
const SENTINEL_DELAY_MS = 365 * 86_400_000;
const SENTINEL_CHECK_MS = 2000;

/** Delivery jobs of messages that only inform: taken after every request for a decision. */
const ROUTINE_PRIORITY = 1;

type TimerJob = { timerId: string };
/**
 * `platform` and `urgent` are absent from jobs queued by earlier versions, which had one queue (now
 * Slack's) for both platforms.
 */
type DeliveryJob = { outboxId: number; platform?: Platform; urgent?: boolean };

export type JobRuntimeDeps = {
  backend: JobBackend;
  db: Database;
  clock: Clock;
  chat: ChatPort;
  timerHandlers: ReadonlyMap<string, TimerHandler>;
  failureHandlers?: ReadonlyMap<string, DeliveryFailureHandler>;
  /** Work that derives timers from other state (review series), run before each reconcile pass. */
  reconcileHooks?: ((unitOfWork: UnitOfWork) => Promise<unknown>)[];
  /**
   * Statements a burst runs (raises, reminders), prepared on every pooled connection at start:
   * the first burst after a start (reminders at the hour) would otherwise plan each statement
   * again on each connection, in the middle of it.
   */
  warmUps?: ((tx: Transaction) => Promise<unknown>)[];
  /** The limit on all messages, shared by every worker on the delivery queues. */
  deliveriesPerSecond: number;
  /** The limit on messages to Teams, within the one on all messages. */
  teamsDeliveriesPerSecond: number;
  /** Overrides DUE_AT_ONCE_SAFETY_POLL_MS (tests show that notifications alone start routing). */
  dueAtOnceSafetyPollMs?: number;
  logger: Logger;
  metrics: Metrics;
};

export type JobRuntime = ReturnType<typeof createJobRuntime>;

/**
 * The queue side of the outbox and the timers: mirrors committed rows to BullMQ, runs the workers,
 * and reconciles the queue with Postgres so a lost or flushed Redis loses nothing.
 */
export function createJobRuntime(deps: JobRuntimeDeps) {
  const { backend, db, clock, logger, metrics } = deps;
  const timerQueue = backend.queue(TIMER_QUEUE);
  const deliveryQueues = perPlatform((platform) => backend.queue(DELIVERY_QUEUES[platform]));
  for (const queue of [timerQueue, ...Object.values(deliveryQueues)]) {
    queue.on('error', (error) => logger.warn({ queue: queue.name, err: error }, 'queue connection error'));
  }
  const workers: AnyWorker[] = [];
  let reconcileTimer: NodeJS.Timeout | undefined;
  let sentinelTimer: NodeJS.Timeout | undefined;
  let closing = false;
  let horizonMs = RECONCILE_HORIZON_MS;
  /** A job this process failed to add (the store was away): the next pass offers everything. */
  let lostJobs = false;

  const timerJob = (timer: ScheduledTimer) => ({
    name: 'fire',
    data: { timerId: timer.id } satisfies TimerJob,
    opts: {
      jobId: timerJobId(timer),
      delay: Math.max(0, timer.dueAt.getTime() - clock.now().getTime()),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 3600 },
    },
  });
  const deliveryJob = ({ outboxId, platform, delayMs, urgent }: LeftToQueue) => ({
    name: 'deliver',
    data: { outboxId, platform, urgent } satisfies DeliveryJob,
    opts: {
      jobId: deliveryJobId(outboxId),
      delay: delayMs,
      // The queue takes jobs with no priority before any prioritized one: requests for a decision
      // are taken first, even behind a backlog of messages that only inform.
      ...(urgent ? {} : { priority: ROUTINE_PRIORITY }),
      attempts: DELIVERY_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 3600 },
    },
  });

  const perSecond = {
    slack: deps.deliveriesPerSecond,
    teams: Math.min(deps.teamsDeliveriesPerSecond, deps.deliveriesPerSecond),
  };
  const withRoomForUrgent = (limit: number) => ({
    perWindow: limit,
    reservedForUrgent: Math.floor(limit * RESERVED_FOR_URGENT),
  });
  const allowance = backend.sendAllowance('deliveries', {
    windowMs: 1000,
    total: withRoomForUrgent(deps.deliveriesPerSecond),
    platforms: { slack: withRoomForUrgent(perSecond.slack), teams: withRoomForUrgent(perSecond.teams) },
  });
  const deliveryOptions = { allowance, failureHandlers: deps.failureHandlers };
  /** Set once this process runs workers: it then sends what its own work queued itself. */
  let sendsNow = false;
  const sending = new Set<Promise<void>>();
  /** Messages being sent right after their commit, by platform: a slow one never fills the other's room. */
  const sendingCount = perPlatform(() => 0);
  /** Committed messages waiting for their turn to be sent from this process, oldest first. */
  const waiting = noQueuedNotices();
  const waitingCount = () => queuedCount(waiting);
  const takeAllWaiting = () => {
    const all = toQueue(waiting);
    Object.assign(waiting, noQueuedNotices());
    return all;
  };
  let pumping = false;
  /** Ends the pump's wait for the allowance early: set while it waits. */
  let wakePump: (() => void) | undefined;
  /** Messages the pump may send at once came while it was asking for the allowance. */
  let wokenWhileAsking = false;

  const addTimerJobs = coalesced((jobs) => addAll(timerQueue, jobs, 'timers'));
  const addDeliveryJobsTo = perPlatform((platform) =>
    coalesced((jobs) => addAll(deliveryQueues[platform], jobs, 'deliveries')),
  );
  /** Each message's job to its platform's queue, added with others of the same turn. */
  const addDeliveryJobs = (left: LeftToQueue[]) =>
    Promise.all(
      PLATFORMS.map((platform) => {
        const jobs = left.filter((each) => each.platform === platform).map(deliveryJob);
        return jobs.length > 0 ? addDeliveryJobsTo[platform](jobs) : undefined;
      }),
    );
  const afterCommit: AfterCommit = {
    timersScheduled: (scheduled) => addTimerJobs(scheduled.map(timerJob)),
    noticesQueued: async (queued) => {
      const toQueueNow = noQueuedNotices();
      let wake = false;
      for (const platform of PLATFORMS) {
        const mine = waiting[platform];
        const { urgent, routine } = queued[platform];
        const waitingHere = waitingOn(platform);
        if (!sendsNow || closing || waitingHere + urgent.length + routine.length > WAITING_TO_SEND_MAX) {
          toQueueNow[platform] = queued[platform];
          continue;
        }
        // The pump waits for a refusal of what it had: the room kept for requests, or another
        // platform's limit, may be there while informing messages wait for theirs.
        if (urgent.length > 0 || (routine.length > 0 && waitingHere === 0)) wake = true;
        mine.urgent.push(...urgent);
        mine.routine.push(...routine);
      }
      if (wake) {
        wokenWhileAsking = true;
        wakePump?.();
      }
      if (waitingCount() > 0) void pump();
      if (queuedCount(toQueueNow) > 0) await addDeliveryJobs(toQueue(toQueueNow));
    },
  };

  /**
   * Takes the allowance for waiting messages, platform by platform, as many as there is room for
   * among those being sent, and sends those it was granted, the urgent first: an approver's request
   * committed while a burst of notices waits for the limit goes out at once, in the room the limit
   * keeps for requests, not after the burst; a platform that asked for a pause holds back only its
   * own. Nothing is claimed before it may be sent.
   */
  async function pump() {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        const ready = PLATFORMS.filter((platform) => waitingOn(platform) > 0 && roomOn(platform) > 0);
        if (closing || ready.length === 0) break;
        wokenWhileAsking = false;
        let waitMs = Number.POSITIVE_INFINITY;
        let sent = false;
        for (const platform of ready) {
          const mine = waiting[platform];
          const urgent = Math.min(mine.urgent.length, roomOn(platform));
          const grant = await allowance.tryTake(platform, {
            urgent,
            routine: Math.min(mine.routine.length, roomOn(platform) - urgent),
          });
          if (closing) break;
          if (grant.urgent + grant.routine === 0) {
            waitMs = Math.min(waitMs, grant.waitMs);
            continue;
          }
          sendNow(platform, {
            urgent: mine.urgent.splice(0, grant.urgent),
            routine: mine.routine.splice(0, grant.routine),
          });
          sent = true;
        }
        if (!sent && !closing && !wokenWhileAsking) await waitUnlessWoken(waitMs);
      }
    } catch (error) {
      // The allowance could not be had (its store is away): the queue takes them, or the reconciler.
      const left = takeAllWaiting();
      logger.warn({ err: error, count: left.length }, 'could not send messages now; the queue will');
      await queueLeft(left);
    } finally {
      pumping = false;
    }
  }

  function waitUnlessWoken(ms: number) {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakePump = undefined;
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, ms));
      wakePump = wake;
    });
  }

  function waitingOn(platform: Platform) {
    return waiting[platform].urgent.length + waiting[platform].routine.length;
  }

  function roomOn(platform: Platform) {
    return SENDING_NOW_MAX - sendingCount[platform];
  }

  /**
   * Sends committed new messages from this process without a trip through the queue (the work that
   * queued them is not held up by it). What it leaves (updates, retries) goes to the queue; if it
   * fails as a whole, Postgres still holds the rows and the reconciler offers them again.
   */
  function sendNow(platform: Platform, ids: QueuedNotices[Platform]) {
    const granted = { ...noQueuedNotices(), [platform]: ids };
    const count = queuedCount(granted);
    sendingCount[platform] += count;
    const sent = deliverNoticesNow(db, unitOfWork, deps.chat, clock, granted, deliveryOptions)
      .then(async ({ outcomes, leftToQueue }) => {
        countDeliveries(outcomes);
        await queueLeft(leftToQueue);
      })
      .catch((error) => {
        logger.warn({ err: error, count }, 'could not send messages now; the queue will');
        return queueLeft(toQueue(granted));
      })
      .finally(() => {
        sendingCount[platform] -= count;
        sending.delete(sent);
        // The pump may be waiting for the other platform's limit while this one's waited for room.
        if (waitingOn(platform) > 0) wakePump?.();
        void pump();
      });
    sending.add(sent);
  }

  async function queueLeft(left: LeftToQueue[]) {
    if (left.length === 0) return;
    metrics.deliveries.inc({ outcome: 'retry' }, left.filter((each) => each.delayMs > 0).length);
    await addDeliveryJobs(left);
  }

  function countDeliveries(outcomes: DeliveryOutcome[]) {
    for (const outcome of outcomes) metrics.deliveries.inc({ outcome });
  }

  const unitOfWork = createUnitOfWork(db, afterCommit);

  async function addAll(queue: AnyQueue, jobs: QueuedJob[], what: string) {
    try {
      await queue.addBulk(jobs);
    } catch (error) {
      // Postgres holds the rows: the reconciler offers them again on its next pass.
      lostJobs = true;
      logger.warn({ err: error, count: jobs.length }, `could not queue ${what}; the reconciler will retry`);
    }
  }

  /**
   * Jobs of timers a batch in this process fired along with its own (by job id, which names the due
   * time): in a burst most jobs find their timer fired by a batch, and these need not ask Postgres.
   */
  const firedAlongside = new Set<string>();

  async function processTimer(job: Job<TimerJob>) {
    if (job.id !== undefined && firedAlongside.delete(job.id)) {
      metrics.timersFired.inc({ outcome: 'not_pending' });
      return 'not_pending';
    }
    const batch = job.attemptsMade === 0 ? TIMER_BATCH : 1;
    try {
      const {
        outcome,
        fired,
        alongside = [],
      } = await fireTimer(db, unitOfWork, deps.timerHandlers, clock, job.data.timerId, batch);
      // Bounded: entries whose jobs ran in the other process are never taken out by a hit.
      if (firedAlongside.size > FIRED_ALONGSIDE_MAX) firedAlongside.clear();
      for (const timer of alongside) firedAlongside.add(timerJobId(timer));
      if (outcome === 'fired') metrics.timersFired.inc({ outcome }, fired);
      else metrics.timersFired.inc({ outcome });
      if (outcome === 'no_handler') logger.warn({ timerId: job.data.timerId }, 'timer has no handler');
      return outcome;
    } catch (error) {
      if (error instanceof TimerFailure && error.rolledBack.length > 0) {
        // Jobs of their own that already ran found them held by this batch and moved on.
        const again = error.rolledBack.map((timer) => {
          const { opts, ...rest } = timerJob(timer);
          return { ...rest, opts: { ...opts, jobId: `${opts.jobId}.after.${job.id}` } };
        });
        await addAll(timerQueue, again, 'timers');
      }
      throw error;
    }
  }

  /** The kinds of timer workers poll for, rather than each timer having a queue job, by name. */
  const doorbells = new Map(
    [...deps.timerHandlers]
      .filter(([, handler]) => handler.dueAtOnce)
      .map(([name]) => [name, createDoorbell()]),
  );
  let dueSignals: DueSignals | undefined;
  const polling: Promise<void>[] = [];

  /**
   * Fires due timers of one kind set due at once, batch after batch while batches come full, then
   * looks again a moment later. A timer whose handler failed gets a queue job of its own, whose
   * retries fire it alone; the rest of its batch is taken again by the next poll.
   */
  async function pollDue(name: string, doorbell: Doorbell) {
    let moreDue = false;
    while (!closing) {
      let fired = 0;
      let pauseMs = dueSignals?.listening()
        ? (deps.dueAtOnceSafetyPollMs ?? DUE_AT_ONCE_SAFETY_POLL_MS)
        : DUE_AT_ONCE_POLL_MS;
      try {
        fired = await fireDue(db, unitOfWork, deps.timerHandlers, clock, name, TIMER_BATCH, moreDue);
        if (fired > 0) metrics.timersFired.inc({ outcome: 'fired' }, fired);
      } catch (error) {
        if (closing) return;
        logger.warn({ err: error, timer: name }, 'due timers could not be fired; trying again');
        const failed = error instanceof TimerFailure && error.rolledBack.find((t) => t.id === error.timerId);
        if (failed) await addAll(timerQueue, [timerJob(failed)], 'timers');
        else pauseMs = DUE_AT_ONCE_RETRY_MS;
      }
      moreDue = fired === TIMER_BATCH;
      if (!moreDue) await doorbell.sleep(pauseMs);
    }
  }

  /** What a job queued by an earlier version did not record, from its outbox row. */
  async function olderJob(outboxId: number): Promise<{ platform?: Platform; urgent: boolean }> {
    const [row] = await db
      .select({ recipient: outbox.recipient, urgent: outbox.urgent })
      .from(outbox)
      .where(eq(outbox.id, outboxId));
    return { platform: row?.recipient.platform, urgent: row?.urgent ?? false };
  }

  function startWorkers() {
    sendsNow = true;
    if (doorbells.size > 0) dueSignals = listenForDueTimers(db.$client.options, doorbells, logger);
    for (const [name, doorbell] of doorbells)
      for (let i = 0; i < TIMER_CONCURRENCY; i++) polling.push(pollDue(name, doorbell));
    workers.push(
      backend.worker(TIMER_QUEUE, (job) => processTimer(job as Job<TimerJob>), {
        concurrency: TIMER_CONCURRENCY,
      }),
    );
    for (const queuePlatform of PLATFORMS) {
      const delivery = backend.worker(
        DELIVERY_QUEUES[queuePlatform],
        async (job) => {
          const data = job.data as DeliveryJob;
          const { outboxId } = data;
          const { platform, urgent } = data.platform
            ? { ...data, urgent: data.urgent ?? false }
            : await olderJob(outboxId);
          if (!platform) return 'not_pending';
          const lastAttempt = job.attemptsMade + 1 >= DELIVERY_ATTEMPTS;
          try {
            // Nothing is claimed before it may be sent.
            await allowance.take(platform, 1, { urgent });
            const outcome = await deliverNotice(db, unitOfWork, deps.chat, clock, outboxId, {
              ...deliveryOptions,
              lastAttempt,
            });
            countDeliveries([outcome]);
            return outcome;
          } catch (error) {
            metrics.deliveries.inc({ outcome: 'retry' });
            if (error instanceof DeliveryError && error.retryAfterMs !== undefined) {
              // The platform asked every caller to wait: pause its whole queue, not just this job
              // (its messages sent from a worker wait as long, by the allowance).
              await delivery.rateLimit(error.retryAfterMs);
              throw Worker.RateLimitError();
            }
            throw error;
          }
        },
        // The allowance keeps the limits on messages; the queue's own limiter, at its platform's
        // limit, keeps waiting jobs from all taking a slot to wait in, and makes the pause above work.
        {
          concurrency: 20,
          limiter: {
            max: Math.max(1, Math.round((perSecond[queuePlatform] * DELIVERY_LIMIT_WINDOW_MS) / 1000)),
            duration: DELIVERY_LIMIT_WINDOW_MS,
          },
        },
      );
      workers.push(delivery);
    }
    for (const worker of workers) {
      worker.on('failed', (job, error) =>
        logger.warn({ queue: worker.name, jobId: job?.id, err: error }, 'job attempt failed'),
      );
      worker.on('error', (error) => logger.warn({ queue: worker.name, err: error }, 'worker error'));
    }
  }

  /**
   * Offers pending timers and unsent outbox rows to the queue; existing job ids are no-ops.
   *
   * `everything` (at start, when the store lost its jobs, after this process failed to add some):
   * every timer due within the horizon and every unsent row. A timer further out is offered by a
   * later pass, before it is due. `overdue` (the passes in between): only timers past due and rows
   * queued a while ago that nobody is sending, which is what a job lost in another process (it
   * crashed between its commit and adding the job) leaves. Offering every timer of the horizon each
   * minute cost a burst of ten thousand no-op adds in each worker, in the middle of firing them.
   */
  async function reconcile(scope: 'everything' | 'overdue' = 'everything') {
    for (const hook of deps.reconcileHooks ?? []) await hook(unitOfWork);
    let offeredTimers = 0;
    let offeredDeliveries = 0;
    const now = clock.now();
    const horizon = new Date(now.getTime() + (scope === 'everything' ? horizonMs : -OVERDUE_MS));
    const queuedBefore = scope === 'everything' ? now : new Date(now.getTime() - OVERDUE_MS);
    for (let after = ''; ; ) {
      const rows = await db
        .select({ id: timers.id, dueAt: timers.dueAt })
        .from(timers)
        .where(
          sql`${timers.firedAt} IS NULL AND ${timers.cancelledAt} IS NULL AND ${timers.dueAt} <= ${horizon} AND ${timers.id} > ${after}`,
        )
        .orderBy(timers.id)
        .limit(RECONCILE_BATCH);
      if (rows.length === 0) break;
      await timerQueue.addBulk(rows.map(timerJob));
      offeredTimers += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
    }
    for (let after = 0; ; ) {
      const rows = await db
        .select({ id: outbox.id, urgent: outbox.urgent, recipient: outbox.recipient })
        .from(outbox)
        .where(
          sql`${outbox.sentAt} IS NULL AND ${outbox.failedAt} IS NULL AND ${outbox.createdAt} <= ${queuedBefore}
            AND (${outbox.claimedUntil} IS NULL OR ${outbox.claimedUntil} < ${now}) AND ${outbox.id} > ${after}`,
        )
        .orderBy(outbox.id)
        .limit(RECONCILE_BATCH);
      if (rows.length === 0) break;
      for (const platform of PLATFORMS) {
        const jobs = rows
          .filter((row) => row.recipient.platform === platform)
          .map((row) => deliveryJob({ outboxId: row.id, platform, delayMs: 0, urgent: row.urgent }));
        if (jobs.length > 0) await deliveryQueues[platform].addBulk(jobs);
      }
      offeredDeliveries += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
    }
    metrics.reconciled.inc({ kind: 'timer' }, offeredTimers);
    metrics.reconciled.inc({ kind: 'delivery' }, offeredDeliveries);
    return { timers: offeredTimers, deliveries: offeredDeliveries };
  }

  /**
   * Reconciles now and every `intervalMs`; in between, a sentinel job left in the timer queue is
   * checked every few seconds, so a flushed or replaced Redis is noticed and rebuilt at once rather
   * than at the next pass.
   */
  function startReconciler(intervalMs: number) {
    horizonMs = Math.max(RECONCILE_HORIZON_MS, 3 * intervalMs);
    let running: Promise<void> | undefined;
    const run = (asked: 'everything' | 'overdue') => {
      if (running) return running;
      const scope = lostJobs ? 'everything' : asked;
      lostJobs = false;
      running = reconcile(scope)
        .then(() => timerQueue.add('sentinel', {}, { jobId: SENTINEL_JOB, delay: SENTINEL_DELAY_MS }))
        .then(() => undefined)
        .catch((error) => {
          if (scope === 'everything') lostJobs = true;
          // A pass cut short by shutdown (its pool closed under it) is expected, not a problem.
          if (closing) logger.debug({ err: error }, 'reconcile stopped by shutdown');
          else logger.warn({ err: error }, 'reconcile failed; next pass will retry');
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    };
    const watch = async () => {
      if (running) return;
      const sentinel = await timerQueue.getJob(SENTINEL_JOB).catch(() => null);
      if (sentinel) return;
      logger.warn('the job store lost its jobs (flushed or replaced): rebuilding them from Postgres now');
      await run('everything');
    };
    reconcileTimer = setInterval(() => void run('overdue'), intervalMs);
    reconcileTimer.unref();
    sentinelTimer = setInterval(() => void watch(), SENTINEL_CHECK_MS);
    sentinelTimer.unref();
    return run('everything');
  }

  /**
   * Runs every warm-up once on each of the pool's connections: concurrent transactions hold
   * distinct ones. Best effort: a warm-up that fails leaves that statement to be planned on use.
   */
  async function warmConnections() {
    const connections = db.$client.options.max ?? 10;
    await Promise.allSettled(
      Array.from({ length: connections }, () =>
        db.transaction(async (tx) => {
          for (const warm of deps.warmUps ?? []) await warm(tx);
        }),
      ),
    );
  }

  /** True when the queue store answers within a second. */
  async function healthy(): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        timerQueue.getJobCounts('wait').then(() => true),
        new Promise<boolean>((resolve) => {
          timeout = setTimeout(() => resolve(false), 1000);
        }),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }

  /**
   * Stops taking jobs and lets running ones finish, within `graceMs`: past it (the store is down, a
   * job hangs) workers are closed by force. Postgres still holds whatever did not finish.
   */
  async function close(graceMs = 10_000) {
    closing = true;
    wakePump?.();
    for (const doorbell of doorbells.values()) doorbell.ringAll();
    const signalsClosed = dueSignals?.close();
    clearInterval(reconcileTimer);
    clearInterval(sentinelTimer);
    const workersClosed = workers.map((worker) => worker.close());
    // Once this process takes no more jobs, whichever worker is up next sends them, rather than the
    // reconciler once they are overdue.
    if (waitingCount() > 0) await settlesWithin(addDeliveryJobs(takeAllWaiting()), 1000);
    const graceful = await settlesWithin(
      Promise.allSettled([...workersClosed, ...polling, ...sending]),
      graceMs,
    );
    if (!graceful) {
      logger.warn({ graceMs }, 'jobs did not finish in time; closing workers by force');
      await settlesWithin(Promise.allSettled(workers.map((worker) => worker.close(true))), 1000);
    }
    const queuesClosed = [timerQueue, ...Object.values(deliveryQueues)].map((queue) => queue.close());
    await settlesWithin(Promise.allSettled([...queuesClosed, signalsClosed]), 1000);
    await backend.close();
  }

  return {
    unitOfWork,
    warmConnections,
    startWorkers,
    reconcile,
    startReconciler,
    healthy,
    close,
    timerQueue,
    deliveryQueues,
  };
}

type QueuedJob = Parameters<AnyQueue['addBulk']>[0][number];

/**
 * Jobs added within one turn of the event loop go to the queue together, in one round trip: a burst
 * of requests (raises at hundreds a second) would otherwise cost one each. Each caller still waits
 * for its own jobs to be added.
 */
function coalesced(add: (jobs: QueuedJob[]) => Promise<void>) {
  let batch: { jobs: QueuedJob[]; added: Promise<void> } | undefined;
  return (jobs: QueuedJob[]): Promise<void> => {
    if (!batch) {
      const gathered: QueuedJob[] = [];
      const added = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        batch = undefined;
        return add(gathered);
      });
      batch = { jobs: gathered, added };
    }
    batch.jobs.push(...jobs);
    return batch.added;
  };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timeout = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true), timedOut]);
  clearTimeout(timeout);
  return settled;
}
