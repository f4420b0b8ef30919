import { getTableName, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { preparedStatement, type Transaction } from '../../db/client';
import { columnList, insertGroup, type RowGroup, rowGroups } from '../../db/insert-rows';
import { auditEvents } from '../../db/schema/audit';
import type { Recipient } from '../../db/schema/jobs';
import type { Notice } from './notice';
import type { AtEndOptions, AuditEvent, ScheduledTimer, TimerRequest } from './unit-of-work';

export type NoticeAtEnd = { recipient: Recipient; notice: Notice; options: AtEndOptions };

/** A change of rows read from a JSON array (`rows`), written as one part of the statement. */
export type ChangeAtEnd = { name: string; change: (rows: Placeholder) => SQL; rows: unknown[] };

/** What a unit of work gathered to write as it ends. */
export type WritesAtEnd = {
  changes: ChangeAtEnd[];
  notices: NoticeAtEnd[];
  audit: AuditEvent[];
  timers: TimerRequest[];
};

type Written = { ord: string | null; id: string; due_at: Date | null };

/**
 * Writes the changes, notices (with the rows that remember them), audit events and timers a unit of
 * work gathered, in one statement: each was a statement of its own, and each statement a round trip,
 * a few milliseconds on a worker busy sending; a routed batch of escalations has all of them.
 * Returns the outbox ids of the notices, in their order, and the timers written.
 *
 * Outbox ids are taken from the sequence before the insert, so each notice gets back its own, and
 * the rows remembering a notice are given its id by its place in the array. Timers: the same timer
 * at the same time is left as it is, and only a move, or a timer cancelled before, is written again.
 * Statements are prepared once per shape (which parts, which columns), named by their text.
 */
export async function writeAtEnd(
  tx: Transaction,
  writes: WritesAtEnd,
): Promise<{ outboxIds: number[]; timers: ScheduledTimer[] }> {
  const parts: SQL[] = [];
  const results: SQL[] = [];
  /** What tells this statement's text from another's: its parts and their columns. */
  const shape: string[] = [];
  const values: Record<string, string> = {};
  const json = (rows: unknown[]) => {
    const name = `p${Object.keys(values).length}`;
    values[name] = JSON.stringify(rows);
    return sql.placeholder(name);
  };

  for (const { name, change, rows } of writes.changes) {
    parts.push(sql`${sql.identifier(name)} AS (${change(json(rows))})`);
    shape.push(name);
  }
  if (writes.notices.length > 0) {
    parts.push(sql`input AS MATERIALIZED (
      SELECT e.ord, nextval(pg_get_serial_sequence('outbox', 'id')) AS id, r.*
      FROM jsonb_array_elements(${json(writes.notices.map(noticeRow))}::jsonb) WITH ORDINALITY AS e(value, ord),
        jsonb_to_record(e.value)
          AS r(recipient jsonb, notice jsonb, relationship_id text, topic text, urgent boolean)
    )`);
    parts.push(sql`notices AS (
      INSERT INTO outbox (id, recipient, notice, relationship_id, topic, urgent)
      SELECT id, recipient, notice, relationship_id, topic, urgent FROM input
    )`);
    for (const [table, rows] of remembered(writes.notices)) {
      for (const group of rowGroups(table, rows)) {
        // Each row's outbox_id holds its notice's place in the array until here.
        const select = sql.join(
          group.names.map((name) => (name === 'outbox_id' ? sql`input.id` : sql`r.${sql.identifier(name)}`)),
          sql`, `,
        );
        parts.push(sql`${sql.identifier(`remember_${parts.length}`)} AS (
          INSERT INTO ${table} (${columnList(group.names)})
          SELECT ${select} FROM jsonb_populate_recordset(NULL::${table}, ${json(group.rows)}::jsonb) r
          JOIN input ON input.ord = r.outbox_id
        )`);
        shape.push(`remember ${getTableName(table)}(${group.signature})`);
      }
    }
    results.push(sql`SELECT ord::text AS ord, id::text AS id, NULL::timestamptz AS due_at FROM input`);
    shape.push('notices');
  }
  const audit = rowGroups(auditEvents, writes.audit);
  const [sameColumns] = audit;
  if (audit.length === 1 && sameColumns) {
    parts.push(sql`audit AS (${insertGroup(auditEvents, sameColumns, json(sameColumns.rows))})`);
    shape.push(`audit(${sameColumns.signature})`);
  } else {
    // Events naming different columns, one statement each, in the order asked: the parts of one
    // statement take their ids in no set order, and a timeline reads events in id order.
    for (const group of audit) await insertAuditGroup(tx, group);
  }
  if (writes.timers.length > 0) {
    parts.push(sql`timers_written AS (
      INSERT INTO timers (id, name, due_at, relationship_id, payload, group_key)
      SELECT id, name, due_at, relationship_id, payload, group_key
      FROM jsonb_populate_recordset(NULL::timers, ${json(timerRows(writes.timers))}::jsonb)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, due_at = excluded.due_at,
        payload = excluded.payload, group_key = excluded.group_key, fired_at = NULL,
        cancelled_at = NULL, failures = 0
      WHERE timers.due_at IS DISTINCT FROM excluded.due_at OR timers.cancelled_at IS NOT NULL
      RETURNING id, due_at
    )`);
    results.push(sql`SELECT NULL::text AS ord, id, due_at FROM timers_written`);
    shape.push('timers');
  }
  if (parts.length === 0) return { outboxIds: [], timers: [] };
  if (results.length === 0)
    results.push(sql`SELECT NULL::text AS ord, NULL::text AS id, NULL::timestamptz AS due_at WHERE false`);

  const statement = statementFor<Written>(
    shape.join(' '),
    () => sql`WITH ${sql.join(parts, sql`, `)} ${sql.join(results, sql` UNION ALL `)}`,
  );
  const rows = await statement(tx, values);
  const notices = rows.filter((row) => row.ord !== null).sort((a, b) => Number(a.ord) - Number(b.ord));
  if (notices.length !== writes.notices.length)
    throw new Error('the outbox insert did not return a row per notice');
  return {
    outboxIds: notices.map((row) => Number(row.id)),
    timers: rows
      .filter((row): row is Written & { due_at: Date } => row.ord === null && row.due_at !== null)
      .map((row) => ({ id: row.id, dueAt: row.due_at })),
  };
}

async function insertAuditGroup(tx: Transaction, group: RowGroup) {
  const insert = statementFor(`audit alone(${group.signature})`, () =>
    insertGroup(auditEvents, group, sql.placeholder('rows')),
  );
  await insert(tx, { rows: JSON.stringify(group.rows) });
}

const statements = new Map<
  string,
  (tx: Transaction, values: Record<string, unknown>) => Promise<unknown[]>
>();

/** The statement of this shape, prepared (and its text built) the first time it is met. */
function statementFor<T>(shape: string, build: () => SQL) {
  let statement = statements.get(shape);
  if (!statement) {
    statement = preparedStatement<unknown>(build);
    statements.set(shape, statement);
  }
  return statement as (tx: Transaction, values: Record<string, unknown>) => Promise<T[]>;
}

const noticeRow = ({ recipient, notice, options }: NoticeAtEnd) => ({
  recipient,
  notice,
  relationship_id: options.relationshipId ?? null,
  topic: options.topic ?? null,
  urgent: options.urgent ?? false,
});

/** The rows remembering notices, by table, each with its notice's place (1-based) as its outbox id. */
function remembered(notices: NoticeAtEnd[]) {
  const byTable = new Map<PgTable, Record<string, unknown>[]>();
  notices.forEach(({ options: { remember } }, i) => {
    if (!remember) return;
    const rows = byTable.get(remember.into) ?? [];
    rows.push({ ...remember.row, outboxId: i + 1 });
    byTable.set(remember.into, rows);
  });
  return byTable;
}

/** One row per timer id, the last asked for: a statement may not write a row twice. */
function timerRows(requests: TimerRequest[]) {
  const latest = new Map(requests.map((timer) => [timer.id, timer]));
  return [...latest.values()].map((timer) => ({
    id: timer.id,
    name: timer.name,
    due_at: timer.dueAt,
    relationship_id: timer.relationshipId ?? null,
    payload: timer.payload ?? {},
    group_key: timer.group ?? null,
  }));
}
