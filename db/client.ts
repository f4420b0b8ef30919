import { createHash } from 'node:crypto';
import { fillPlaceholders, getTableColumns, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { columnList } from './insert-rows';
import { rowFromJson } from './json-rows';
import * as schema from './schema/index';

export type Database = NodePgDatabase<typeof schema> & { $client: pg.Pool };
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or an open transaction: use cases accept both. */
export type Executor = Database | Transaction;

export type DatabaseHandle = { db: Database; pool: pg.Pool; close: () => Promise<void> };

export function connectDatabase(
  url: string,
  options: { max?: number; keepIdle?: boolean } = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // 0: idle connections are never closed (pg's default closes them after 10 s).
    ...(options.keepIdle ? { idleTimeoutMillis: 0 } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}

const dialect = new PgDialect();

/**
 * A statement built once and run as a named prepared statement, so each connection parses and
 * plans it once rather than on every call: for the statements a person waits on (raising an
 * escalation inside Slack's request) and those a burst runs thousands of times. `build` takes its
 * values as `sql.placeholder`s, filled from `values` on each run. The name comes from the text.
 * Rows come as Postgres names them (snake_case), with pg's own types (timestamptz as a Date).
 * Drizzle's own `.prepare()` builds the query again on every call; in a burst of reminders that
 * building was a tenth of the workers' time.
 */
export function preparedStatement<T>(build: () => SQL) {
  let compiled: { name: string; text: string; params: unknown[] } | undefined;
  return async (executor: Executor, values: Record<string, unknown>): Promise<T[]> => {
    if (!compiled) {
      const { sql: text, params } = dialect.sqlToQuery(build());
      compiled = {
        name: `accord_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`,
        text,
        params,
      };
    }
    const { name, text, params } = compiled;
    const result = await clientOf(executor).query({ name, text, values: fillPlaceholders(params, values) });
    return result.rows as T[];
  };
}

/**
 * A prepared statement (see preparedStatement) whose rows are whole rows of `table`, keyed and typed
 * as drizzle's own select would give them. `build` gets the table's columns to select or return,
 * named one by one: a `*` would fail the prepared statement once a migration adds a column while
 * this process runs (Postgres: "cached plan must not change result type").
 */
export function preparedRows<T extends PgTable>(table: T, build: (columns: SQL) => SQL) {
  const columns = columnList(Object.values(getTableColumns(table)).map((column) => column.name));
  const statement = preparedStatement<Record<string, unknown>>(() => build(columns));
  return async (executor: Executor, values: Record<string, unknown>): Promise<T['$inferSelect'][]> =>
    (await statement(executor, values)).map((row) => rowFromJson(table, row));
}

/**
 * The pg pool, or the connection a transaction holds. Drizzle keeps it on its session, which it
 * does not expose: checked here, so a drizzle that moved it fails every test at once.
 */
function clientOf(executor: Executor): pg.Pool | pg.ClientBase {
  const client = (executor as unknown as { session?: { client?: unknown } }).session?.client;
  if (client instanceof pg.Pool || client instanceof pg.Client) return client;
  throw new Error('preparedStatement: cannot find the pg client of this database or transaction');
}
