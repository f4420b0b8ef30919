import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * A row that Postgres sent as JSON (`row_to_json`, `json_agg`), or that pg read as it is, keyed and
 * typed as drizzle would have selected it: each column through its own decoder (a timestamptz
 * string becomes a Date). Lets one statement bring a row with its children, where selecting each
 * table costs a round trip, and a prepared statement skip drizzle's query building.
 */
export function rowFromJson<T extends PgTable>(table: T, json: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}
