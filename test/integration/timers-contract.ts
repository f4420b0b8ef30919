import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timerJobId } from '../../bot/jobs/job-ids';
import { auditEvents } from '../../db/schema/audit';
import { timers } from '../../db/schema/jobs';
import type { TimerHandler } from '../../workflows/core/timers';
import type { ScheduledTimer } from '../../workflows/core/unit-of-work';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type BackendUnderTest, startRuntime } from '../support/job-runtime';
import { waitFor } from '../support/wait';

/** What every job store must do for timers; run once per backend. */
export function timerContract(underTest: BackendUnderTest) {
  describe(`timers on the ${underTest.label} job backend`, () => {
    let database: TestDatabase;
    let runtime: ReturnType<typeof startRuntime>;
    let loseAllJobs: () => Promise<void>;

    // Each ping records the transaction it ran in, to show which timers were fired together.
    const ping: TimerHandler = async (timer, work) => {
      await work.tx.insert(auditEvents).values({
        actor: 'test',
        kind: 'pinged',
        subject: timer.id,
        data: sql`jsonb_build_object('tx', txid_current())`,
      });
    };
    const failedOnce = new Set<string>();
    const flaky: TimerHandler = async (timer, work) => {
      if (timer.id.endsWith('-bad') && !failedOnce.has(timer.id)) {
        failedOnce.add(timer.id);
        throw new Error('the handler failed this time');
      }
      await ping(timer, work);
    };
    /** The same two, for timers set due at once (a raise's routing), which workers poll for. */
    const pingAtOnce: TimerHandler = (timer, work) => ping(timer, work);
    pingAtOnce.dueAtOnce = true;
    const flakyAtOnce: TimerHandler = (timer, work) => flaky(timer, work);
    flakyAtOnce.dueAtOnce = true;
    const pings = async (id: string) =>
      (await database.db.select().from(auditEvents).where(eq(auditEvents.subject, id))).length;
    const schedule = (id: string, inMs: number) =>
      runtime.unitOfWork((work) =>
        work.scheduleTimer({ id, name: 'ping', dueAt: new Date(Date.now() + inMs) }),
      );
    /** Timers all due at the same instant, scheduled together. */
    const burst = (prefix: string, count: number, name: string) => {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      const dueAt = new Date(Date.now() + 500);
      return runtime.unitOfWork(async (work) => {
        for (const id of ids) await work.scheduleTimer({ id, name, dueAt });
        return ids;
      });
    };
    const pingsLike = async (prefix: string) =>
      (
        await database.pool.query<{ subject: string; tx: string }>(
          "SELECT subject, data->>'tx' AS tx FROM audit_events WHERE kind = 'pinged' AND subject LIKE $1",
          [`${prefix}-%`],
        )
      ).rows;

    beforeAll(async () => {
      database = await createTestDatabase();
      const created = underTest.create(database);
      loseAllJobs = created.loseAllJobs;
      runtime = startRuntime(database, created.backend, {
        handlers: { ping, flaky, pingAtOnce, flakyAtOnce },
      });
      runtime.startWorkers();
    });
    afterAll(async () => {
      await runtime?.close();
      await database?.drop();
    });

    it('fires a scheduled timer once, at its due time', async () => {
      const scheduledAt = Date.now();
      await schedule('fires-once', 300);
      await waitFor(async () => ((await pings('fires-once')) > 0 ? true : undefined), { what: 'timer' });
      expect(Date.now() - scheduledAt).toBeGreaterThanOrEqual(300);
      await runtime.reconcile();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await pings('fires-once')).toBe(1);
      const [row] = await database.db.select().from(timers).where(eq(timers.id, 'fires-once'));
      expect(row?.firedAt).toBeInstanceOf(Date);
    });

    it('rebuilds a timer from Postgres after the job store lost every job', async () => {
      await schedule('survives-loss', 1500);
      expect((await runtime.timerQueue.getJobCounts('delayed')).delayed).toBe(1);
      await loseAllJobs();
      expect((await runtime.timerQueue.getJobCounts('delayed')).delayed).toBe(0);
      const offered = await runtime.reconcile();
      expect(offered.timers).toBeGreaterThanOrEqual(1);
      expect((await runtime.timerQueue.getJobCounts('delayed')).delayed).toBe(1);
      await waitFor(async () => ((await pings('survives-loss')) > 0 ? true : undefined), {
        what: 'rebuilt timer',
      });
      expect(await pings('survives-loss')).toBe(1);
    });

    it('does not fire a moved timer at its old time, and fires it once at the new one', async () => {
      await schedule('moved', 200);
      await schedule('moved', 1500);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(await pings('moved')).toBe(0);
      await waitFor(async () => ((await pings('moved')) > 0 ? true : undefined), { what: 'moved timer' });
      expect(await pings('moved')).toBe(1);
    });

    it('fires a burst of due timers each exactly once, many to a transaction', async () => {
      const ids = await burst('burst', 120, 'ping');
      await waitFor(async () => ((await pingsLike('burst')).length >= ids.length ? true : undefined), {
        what: 'every timer of the burst',
      });
      await runtime.reconcile();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const fired = await pingsLike('burst');
      expect(fired.map((row) => row.subject).sort()).toEqual([...ids].sort());
      // One transaction per timer would be 120: batches take many due timers at once.
      expect(new Set(fired.map((row) => row.tx)).size).toBeLessThan(ids.length / 2);
    });

    it('fires the rest of a burst when one handler fails, and that timer alone on its retry', async () => {
      const ids = await burst('flaky', 40, 'flaky');
      const bad = 'flaky-bad';
      await runtime.unitOfWork((work) =>
        work.scheduleTimer({ id: bad, name: 'flaky', dueAt: new Date(Date.now() + 450) }),
      );
      await waitFor(async () => ((await pingsLike('flaky')).length > ids.length ? true : undefined), {
        what: 'every timer of the burst, and the failed one retried',
        timeoutMs: 15_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const fired = (await pingsLike('flaky')).map((row) => row.subject);
      expect(fired.sort()).toEqual([...ids, bad].sort());
      const [row] = await database.db.select().from(timers).where(eq(timers.id, bad));
      expect(row?.failures).toBe(1);
      expect(row?.firedAt).toBeInstanceOf(Date);
    });

    /** Timers due now written by a statement of their own, as a raise writes its routing: no job. */
    const dueNow = async (prefix: string, count: number, name: string) => {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      await database.db.insert(timers).values(ids.map((id) => ({ id, name, dueAt: new Date() })));
      return ids;
    };

    it('fires timers set due at once without a queue job, each exactly once, many to a transaction', async () => {
      const jobs = async (...states: ('wait' | 'delayed' | 'active' | 'failed')[]) =>
        Object.values(await runtime.timerQueue.getJobCounts(...states)).reduce(
          (sum, count) => sum + count,
          0,
        );
      // An earlier test's retried job may still be running: counted now, it would be gone below.
      await waitFor(async () => ((await jobs('wait', 'delayed', 'active')) === 0 ? true : undefined), {
        what: "the earlier tests' jobs to finish",
      });
      const jobsBefore = await jobs('wait', 'delayed', 'active', 'failed');
      const ids = await dueNow('at-once', 120, 'pingAtOnce');
      await waitFor(async () => ((await pingsLike('at-once')).length >= ids.length ? true : undefined), {
        what: 'every timer set due at once',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const fired = await pingsLike('at-once');
      expect(fired.map((row) => row.subject).sort()).toEqual([...ids].sort());
      expect(new Set(fired.map((row) => row.tx)).size).toBeLessThan(ids.length / 2);
      expect(await jobs('wait', 'delayed', 'active', 'failed')).toBe(jobsBefore);
    });

    it('fires the others when a timer set due at once fails, and that one alone on a queue job', async () => {
      const ids = await dueNow('flaky-at-once', 20, 'flakyAtOnce');
      const bad = 'flaky-at-once-bad';
      await database.db.insert(timers).values({ id: bad, name: 'flakyAtOnce', dueAt: new Date() });
      await waitFor(async () => ((await pingsLike('flaky-at-once')).length > ids.length ? true : undefined), {
        what: 'the timers set due at once, and the failed one retried',
        timeoutMs: 15_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const fired = (await pingsLike('flaky-at-once')).map((row) => row.subject);
      expect(fired.sort()).toEqual([...ids, bad].sort());
      const [row] = await database.db.select().from(timers).where(eq(timers.id, bad));
      expect(row?.failures).toBe(1);
      expect(row?.firedAt).toBeInstanceOf(Date);
    });

    it('never fires a cancelled timer', async () => {
      await schedule('cancelled', 300);
      await runtime.unitOfWork((work) => work.cancelTimer('cancelled'));
      await runtime.reconcile();
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(await pings('cancelled')).toBe(0);
    });

    it('fires a timer whose job was never added: on the periodic pass once overdue, before it is due on a full one', async () => {
      // What a process that crashed between its commit and adding the job leaves behind.
      const overdue = { id: 'orphan-overdue', dueAt: new Date(Date.now() - 11_000) };
      const later = { id: 'orphan-later', dueAt: new Date(Date.now() + 60_000) };
      await database.db.insert(timers).values([overdue, later].map((each) => ({ ...each, name: 'ping' })));
      const jobOf = (timer: ScheduledTimer) => runtime.timerQueue.getJob(timerJobId(timer));

      await runtime.reconcile('overdue');
      await waitFor(async () => ((await pings(overdue.id)) > 0 ? true : undefined), {
        what: 'the overdue timer, fired by the periodic pass',
      });
      expect(await jobOf(later)).toBeFalsy();

      await runtime.reconcile('everything');
      expect(await jobOf(later)).toBeTruthy();
      expect(await pings(overdue.id)).toBe(1);
    });
  });
}
