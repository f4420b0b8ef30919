import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema/audit';
import { timers } from '../../db/schema/jobs';
import type { TimerHandler } from '../../workflows/core/timers';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type BackendUnderTest, startRuntime } from '../support/job-runtime';
import { waitFor } from '../support/wait';

/** What every job store must do for timers; run once per backend. */
export function timerContract(underTest: BackendUnderTest) {
  describe(`timers on the ${underTest.label} job backend`, () => {
    let database: TestDatabase;
    let runtime: ReturnType<typeof startRuntime>;
    let loseAllJobs: () => Promise<void>;

    const ping: TimerHandler = async (timer, work) => {
      await work.tx.insert(auditEvents).values({ actor: 'test', kind: 'pinged', subject: timer.id });
    };
    const pings = async (id: string) =>
      (await database.db.select().from(auditEvents).where(eq(auditEvents.subject, id))).length;
    const schedule = (id: string, inMs: number) =>
      runtime.unitOfWork((work) =>
        work.scheduleTimer({ id, name: 'ping', dueAt: new Date(Date.now() + inMs) }),
      );

    beforeAll(async () => {
      database = await createTestDatabase();
      const created = underTest.create(database);
      loseAllJobs = created.loseAllJobs;
      runtime = startRuntime(database, created.backend, { handlers: { ping } });
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

    it('never fires a cancelled timer', async () => {
      await schedule('cancelled', 300);
      await runtime.unitOfWork((work) => work.cancelTimer('cancelled'));
      await runtime.reconcile();
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(await pings('cancelled')).toBe(0);
    });
  });
}
