import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJobBackend } from '../../bot/jobs/job-backend';
import type { JobRuntime } from '../../bot/jobs/job-runtime';
import type { Recipient } from '../../db/schema/jobs';
import type { ChatPort } from '../../workflows/core/ports';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postgresBackendUnderTest, startRuntime } from '../support/job-runtime';
import { testRedisUrl, uniquePrefix } from '../support/redis';
import { heldBack, waitFor } from '../support/wait';

/**
 * A worker sends what its own commits queued without a trip through the queue, a bounded number at
 * once: a burst larger than that waits in the process for its turn, and whatever still waits when
 * the worker stops is handed to the queue for the next worker.
 */
describe('messages sent right after their commit', () => {
  let database: TestDatabase;
  const runtimes: JobRuntime[] = [];
  const redisUrl = testRedisUrl();

  /** A platform whose answers can be held back, counting what it was asked to send and when. */
  function heldPlatform() {
    const started: string[] = [];
    const startedAt: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { held, release } = heldBack();
    const chat: ChatPort = {
      send: async (recipient: Recipient) => {
        started.push('channel' in recipient ? recipient.channel : '');
        startedAt.push(Date.now());
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await held;
        inFlight--;
        return { messageId: `C1/${started.length}` };
      },
      update: async () => {},
    };
    return { chat, started, startedAt, maxInFlight: () => maxInFlight, release };
  }

  const sentCount = (platform: { started: string[] }, count: number) =>
    waitFor(() => (platform.started.length >= count ? true : undefined), { what: `${count} sends` });

  const commit = (runtime: JobRuntime, label: string, count: number) =>
    runtime.unitOfWork(async (work) => {
      for (let i = 0; i < count; i++)
        work.queueNoticeAtEnd({ platform: 'slack', channel: `${label}-${i}` }, { title: `${label} ${i}` });
    });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((runtime) => runtime.close(2000)));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('sends a burst larger than it sends at once, each message once, the earlier commits first', async () => {
    const platform = heldPlatform();
    const backend = createJobBackend({ redisUrl, prefix: uniquePrefix('send-now') });
    const runtime = startRuntime(database, backend, { chat: platform.chat, deliveriesPerSecond: 10_000 });
    runtimes.push(runtime);
    runtime.startWorkers();
    for (const label of ['first', 'second', 'third']) await commit(runtime, label, 400);

    // A slow platform holds 500 messages at most; the rest wait their turn.
    await sentCount(platform, 500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platform.started).toHaveLength(500);
    platform.release();
    await sentCount(platform, 1200);

    expect(new Set(platform.started).size).toBe(1200);
    expect(platform.maxInFlight()).toBeLessThanOrEqual(500);
    const position = (label: string) =>
      platform.started.flatMap((channel, i) => (channel.startsWith(label) ? [i] : []));
    expect(Math.max(...position('first'))).toBeLessThan(Math.min(...position('third')));
    expect(await runtime.deliveryQueues.slack.getJobCounts('wait', 'delayed', 'completed')).toEqual({
      wait: 0,
      delayed: 0,
      completed: 0,
    });
  });

  it.each([
    { from: 'the worker itself', web: false },
    { from: 'a web instance, through the queue', web: true },
  ])(
    'sends an approver request committed by $from while a burst saturates the send limit at once',
    async ({ web }) => {
      const platform = heldPlatform();
      platform.release();
      const prefix = uniquePrefix('send-urgent');
      const runtime = startRuntime(database, createJobBackend({ redisUrl, prefix }), {
        chat: platform.chat,
        deliveriesPerSecond: 50,
      });
      runtimes.push(runtime);
      runtime.startWorkers();
      // A ROLE=web instance runs no workers: what it commits reaches the workers through the queue.
      const webInstance = web
        ? startRuntime(database, createJobBackend({ redisUrl, prefix }), { deliveriesPerSecond: 50 })
        : undefined;
      if (webInstance) runtimes.push(webInstance);
      const request = (from: JobRuntime, channel: string) =>
        from.unitOfWork((work) =>
          work.queueNotice({ platform: 'slack', channel }, { title: 'Please decide' }, { urgent: true }),
        );
      await request(runtime, 'first-approver');
      await commit(runtime, 'notice', 200);
      // With requests about, messages that only inform take 44 of the 50 a second: the first request
      // took one, and 5 are kept for the next requests.
      await sentCount(platform, 45);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(platform.started).toHaveLength(45);
      await request(webInstance ?? runtime, 'approver');

      await sentCount(platform, 46);
      // In the room kept for it, before the first second's sends age out of the limit's window and
      // well before the notices waiting ahead of it.
      expect(platform.started.indexOf('approver')).toBe(45);
      expect((platform.startedAt[45] ?? Infinity) - (platform.startedAt[0] ?? 0)).toBeLessThan(1000);
    },
  );

  it.each([
    { label: 'Redis', prefix: uniquePrefix('send-priority') },
    { label: 'Postgres', prefix: undefined },
  ])(
    'takes a request waiting in the queue ($label) before the messages queued ahead of it',
    async ({ prefix }) => {
      // Both processes on one store: the same Redis prefix, or the same Postgres schema.
      const store = () =>
        prefix ? createJobBackend({ redisUrl, prefix }) : postgresBackendUnderTest.create(database).backend;
      // A web instance commits 150 notices, then a request, before any worker runs: all are queue jobs.
      const webInstance = startRuntime(database, store(), { deliveriesPerSecond: 50 });
      runtimes.push(webInstance);
      await commit(webInstance, 'notice', 150);
      await webInstance.unitOfWork((work) =>
        work.queueNotice(
          { platform: 'slack', channel: 'approver' },
          { title: 'Please decide' },
          { urgent: true },
        ),
      );

      const platform = heldPlatform();
      platform.release();
      const worker = startRuntime(database, store(), {
        chat: platform.chat,
        deliveriesPerSecond: 50,
      });
      runtimes.push(worker);
      worker.startWorkers();
      await waitFor(() => (platform.started.includes('approver') ? true : undefined), {
        what: 'the request sent',
      });
      // Among the first sends, not 150th: at 50 a second, that is the difference of 3 s.
      expect(platform.started.indexOf('approver')).toBeLessThan(20);
      await sentCount(platform, 151);
      expect(new Set(platform.started).size).toBe(151);
    },
  );

  it('hands the messages still waiting when it stops to the queue, and the next worker sends them', async () => {
    const prefix = uniquePrefix('send-handover');
    const platform = heldPlatform();
    const stopping = startRuntime(database, createJobBackend({ redisUrl, prefix }), {
      chat: platform.chat,
      deliveriesPerSecond: 10_000,
    });
    stopping.startWorkers();
    await commit(stopping, 'handed', 800);
    await sentCount(platform, 500);

    const closed = stopping.close(5000);
    platform.release();
    await closed;
    expect(platform.started).toHaveLength(500);

    const next = heldPlatform();
    next.release();
    const runtime = startRuntime(database, createJobBackend({ redisUrl, prefix }), {
      chat: next.chat,
      deliveriesPerSecond: 10_000,
    });
    runtimes.push(runtime);
    runtime.startWorkers();
    await sentCount(next, 300);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const all = [...platform.started, ...next.started];
    expect(all).toHaveLength(800);
    expect(new Set(all).size).toBe(800);
  });
});
