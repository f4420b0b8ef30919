import { getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Executor, preparedStatement } from './client';

type Insert = (executor: Executor, values: Record<string, unknown>) => Promise<unknown[]>;
const statements = new WeakMap<PgTable, Map<string, Insert>>();

/**
 * Inserts rows of `table` (keyed as drizzle keys them) with one prepared statement that reads them
 * from a JSON array, whatever their number. A multi-row insert built by drizzle is built and planned
 * again on every call, and its text changes with the number of rows: for the rows a batch of routed
 * escalations writes at its end, that building was a large part of the worker's time. A column a row
 * leaves out takes its default, as in drizzle's insert: rows are written by the columns they name.
 */
export async function insertRows(executor: Executor, table: PgTable, rows: Record<string, unknown>[]) {
  const columns = Object.entries(getTableColumns(table));
  const groups = new Map<string, { named: [string, PgColumn][]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const named = columns.filter(([key]) => row[key] !== undefined);
    const signature = named.map(([, column]) => column.name).join(',');
    const group = groups.get(signature) ?? { named, rows: [] };
    group.rows.push(Object.fromEntries(named.map(([key, column]) => [column.name, row[key]])));
    groups.set(signature, group);
  }
  for (const [signature, group] of groups)
    await statementFor(table, signature, group.named)(executor, { rows: JSON.stringify(group.rows) });
}

function statementFor(table: PgTable, signature: string, named: [string, PgColumn][]): Insert {
  let byColumns = statements.get(table);
  if (!byColumns) {
    byColumns = new Map();
    statements.set(table, byColumns);
  }
  let insert = byColumns.get(signature);
  if (!insert) {
    const list = sql.join(
      named.map(([, column]) => sql.identifier(column.name)),
      sql`, `,
    );
    insert = preparedStatement(
      () => sql`INSERT INTO ${table} (${list})
        SELECT ${list} FROM jsonb_populate_recordset(NULL::${table}, ${sql.placeholder('rows')}::jsonb)`,
    );
    byColumns.set(signature, insert);
  }
  return insert;
}
