import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../db/client';
import { escalations } from '../../db/schema/escalations';
import { outbox, timers } from '../../db/schema/jobs';
import { warmDeliveryStatements } from '../../workflows/core/deliver-notice';
import { warmTimerStatements } from '../../workflows/core/timers';
import { warmRaiseStatements } from '../../workflows/escalations/index';
import { warmOccurrenceReads } from '../../workflows/reviews/index';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postgresBackendUnderTest, startRuntime } from '../support/job-runtime';

describe('warming the pooled connections before the workers start', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('runs every warm-up once on each connection of the pool', async () => {
    const backends: number[] = [];
    const recordBackend = async (tx: Transaction) => {
      const { rows } = await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
      backends.push(Number(rows[0]?.pid));
    };
    const runtime = startRuntime(database, postgresBackendUnderTest.create(database).backend, {
      warmUps: [recordBackend],
    });
    try {
      await runtime.warmConnections();
    } finally {
      await runtime.close();
    }
    const poolSize = database.db.$client.options.max ?? 10;
    expect(backends).toHaveLength(poolSize);
    expect(new Set(backends).size).toBe(poolSize);
  });

  it("the bot's warm-ups run on a fresh database and change nothing", async () => {
    await database.db.transaction(async (tx) => {
      await warmRaiseStatements(tx);
      await warmTimerStatements(tx);
      await warmDeliveryStatements(tx);
      expect(await warmOccurrenceReads(tx)).toEqual(new Map());
    });
    expect(await database.db.select().from(timers)).toEqual([]);
    expect(await database.db.select().from(outbox)).toEqual([]);
    expect(await database.db.select().from(escalations)).toEqual([]);
  });
});
