import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const tables = async () =>
    (
      await database.pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      )
    ).rows.map((row) => row.table_name);

  it('creates every table on an empty database, and a second run changes nothing', async () => {
    expect(await tables()).toEqual([]);
    await migrateDatabase(database.db);
    const created = await tables();
    expect(created).toEqual(
      expect.arrayContaining([
        'relationships',
        'people',
        'escalation_levels',
        'roles',
        'timers',
        'outbox',
        'audit_events',
      ]),
    );
    await migrateDatabase(database.db);
    expect(await tables()).toEqual(created);
  });
});
