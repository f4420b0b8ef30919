import type { Executor } from '../../db/client';
import type { GovernanceFile } from './governance-schema';
import {
  declaredRows,
  type GovernedEntity,
  type GovernedTable,
  governedTables,
  type Row,
} from './governed-tables';

export type GovernanceAction = 'add' | 'change' | 'retire' | 'restore';

export type FieldChange = { name: string; from: string | null; to: string | null };

export type GovernanceChange = {
  action: GovernanceAction;
  entity: GovernedEntity;
  relationshipId: string;
  key: string;
  /** In the file's words and units (`respond_within`, `4h`); for an add, every field that has a value. */
  fields?: FieldChange[];
};

export type GovernancePlan = GovernanceChange[];

/** A change with what apply needs to write it: the table, the row (declared, or current for a retire). */
export type PlannedWrite = { change: GovernanceChange; table: GovernedTable; row: Row; set: Row };

/** What applying the file would change; reads only. */
export async function planGovernance(executor: Executor, file: GovernanceFile): Promise<GovernancePlan> {
  return (await planWrites(executor, file)).map((write) => write.change);
}

export async function planWrites(executor: Executor, file: GovernanceFile): Promise<PlannedWrite[]> {
  const declared = declaredRows(file);
  const writes: PlannedWrite[] = [];
  for (const table of governedTables) {
    const current: Row[] = await executor.select().from(table.table).where(table.owned);
    writes.push(...diffTable(table, current, declared.get(table.entity) ?? []));
  }
  const order = new Map(file.relationships.map((relationship, index) => [relationship.id, index]));
  const rank = (write: PlannedWrite) => order.get(write.change.relationshipId) ?? file.relationships.length;
  return writes
    .map((write, index) => ({ write, index }))
    .sort(
      (a, b) =>
        rank(a.write) - rank(b.write) ||
        a.write.change.relationshipId.localeCompare(b.write.change.relationshipId) ||
        a.index - b.index,
    )
    .map(({ write }) => write);
}

const relationshipOf = (row: Row) => String(row.relationshipId ?? row.id);

function diffTable(table: GovernedTable, current: Row[], declared: Row[]): PlannedWrite[] {
  const identity = (row: Row) => `${relationshipOf(row)}\u0000${table.key(row)}`;
  const existing = new Map(current.map((row) => [identity(row), row]));
  const declaredIds = new Set(declared.map(identity));
  const writes: PlannedWrite[] = [];
  const write = (action: GovernanceAction, row: Row, fields: FieldChange[], set: Row = {}) => {
    const change: GovernanceChange = {
      action,
      entity: table.entity,
      relationshipId: relationshipOf(row),
      key: table.key(row),
    };
    if (fields.length > 0) change.fields = fields;
    writes.push({ change, table, row, set });
  };

  for (const row of declared) {
    const before = existing.get(identity(row));
    if (!before) {
      write('add', row, changedFields(table, {}, row));
      continue;
    }
    const fields = changedFields(table, before, row);
    const set = Object.fromEntries(
      table.fields
        .filter((field) => fields.some((change) => change.name === field.name))
        .map((field) => [field.column, row[field.column]]),
    );
    if (before.retiredAt) write('restore', row, fields, set);
    else if (fields.length > 0) write('change', row, fields, set);
  }
  const retiring = current
    .filter((row) => !row.retiredAt && !declaredIds.has(identity(row)))
    .sort((a, b) => identity(a).localeCompare(identity(b)));
  for (const row of retiring) write('retire', row, []);
  return writes;
}

function changedFields(table: GovernedTable, before: Row, after: Row): FieldChange[] {
  return table.fields.flatMap((field) => {
    const from = field.show(before[field.column]);
    const to = field.show(after[field.column]);
    return from === to ? [] : [{ name: field.name, from, to }];
  });
}

/** `acme-globex/alice`; a relationship and its issue list are named by the relationship alone. */
export function changeSubject(change: GovernanceChange): string {
  return change.entity === 'relationship' || change.entity === 'issue list'
    ? change.relationshipId
    : `${change.relationshipId}/${change.key}`;
}

const symbols: Record<GovernanceAction, string> = { add: '+', restore: '+', change: '~', retire: '-' };

/** A plan to read before applying, in the manner of `terraform plan`. */
export function formatPlan(plan: GovernancePlan): string {
  if (plan.length === 0) return 'No changes: the database matches the file.';
  const lines = plan.map((change) => {
    const head = `${symbols[change.action]} ${change.action} ${change.entity} ${changeSubject(change)}`;
    const fields = change.action === 'add' ? [] : (change.fields ?? []);
    const shown = fields.map((field) => `${field.name}: ${showValue(field.from)} -> ${showValue(field.to)}`);
    if (shown.length === 0) return head;
    if (shown.length === 1) return `${head} ${shown[0]}`;
    return [head, ...shown.map((line) => `    ${line}`)].join('\n');
  });
  const count = (action: GovernanceAction) => plan.filter((change) => change.action === action).length;
  const counts = [`${count('add')} to add`];
  if (count('restore') > 0) counts.push(`${count('restore')} to restore`);
  counts.push(`${count('change')} to change`, `${count('retire')} to retire`);
  return [...lines, '', `Plan: ${counts.join(', ')}.`].join('\n');
}

function showValue(value: string | null): string {
  if (value === null) return '(none)';
  return value === '' || /\s/.test(value) ? JSON.stringify(value) : value;
}
