import { getTableColumns, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/** Rows of one table that name the same columns, keyed by column name as Postgres reads JSON. */
export type RowGroup = {
  /** The column names, joined: what tells one group's statement from another's. */
  signature: string;
  names: string[];
  rows: Record<string, unknown>[];
};

/**
 * Rows of `table` (keyed as drizzle keys them) in groups by the columns they name, for statements
 * that read them from a JSON array whatever their number (`jsonb_populate_recordset`). A column a
 * row leaves out takes its default, as in drizzle's insert: rows are written by the columns they
 * name. A multi-row insert built by drizzle is built and planned again on every call, and its text
 * changes with the number of rows.
 */
export function rowGroups(table: PgTable, rows: Record<string, unknown>[]): RowGroup[] {
  const columns = Object.entries(getTableColumns(table));
  const groups = new Map<string, RowGroup>();
  for (const row of rows) {
    const named = columns.filter(([key]) => row[key] !== undefined);
    const names = named.map(([, column]) => column.name);
    const signature = names.join(',');
    const group = groups.get(signature) ?? { signature, names, rows: [] };
    group.rows.push(Object.fromEntries(named.map(([key, column]) => [column.name, row[key]])));
    groups.set(signature, group);
  }
  return [...groups.values()];
}

/** Column names, as an SQL list. */
export const columnList = (names: string[]): SQL =>
  sql.join(
    names.map((name) => sql.identifier(name)),
    sql`, `,
  );

/** The group's rows as `json` (a JSON array) holds them, inserted into `table`. */
export function insertGroup(table: PgTable, group: RowGroup, json: SQL | Placeholder): SQL {
  const list = columnList(group.names);
  return sql`INSERT INTO ${table} (${list})
    SELECT ${list} FROM jsonb_populate_recordset(NULL::${table}, ${json}::jsonb)`;
}
