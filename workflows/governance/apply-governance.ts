import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import type { Database, Executor, Transaction } from '../../db/client';
import { auditEvents, governanceRevision } from '../../db/schema/index';
import { GovernanceInvalidError } from './governance-problem';
import type { GovernanceFile } from './governance-schema';
import { validateGovernance } from './lint-governance';
import { changeSubject, type GovernancePlan, type PlannedWrite, planWrites } from './plan-governance';

export type ApplyOptions = {
  /** Who applied it, for the audit trail: `cli:alice`, `startup`. */
  actor: string;
  /** Where the file came from, recorded with each audit event. */
  source: string;
  now?: Date;
};

/**
 * Makes the database match a validated file, in one transaction: the plan is computed under a
 * transaction-scoped advisory lock, so instances that start together apply one after the other and
 * the later one finds nothing to do. Returns the plan it applied.
 */
export async function applyGovernance(
  db: Database,
  file: GovernanceFile,
  options: ApplyOptions,
): Promise<GovernancePlan> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('accord.governance.apply'))`);
    const writes = await planWrites(tx, file);
    for (const write of writes) {
      await applyWrite(tx, write, now);
      await tx.insert(auditEvents).values({
        at: now,
        relationshipId: write.change.relationshipId,
        actor: options.actor,
        kind: `governance.${write.change.action}`,
        subject: `${write.change.entity.replace(' ', '_')}:${changeSubject(write.change)}`,
        data: { source: options.source, ...(write.change.fields ? { fields: write.change.fields } : {}) },
      });
    }
    if (writes.length > 0) {
      await tx
        .insert(governanceRevision)
        .values({ revision: 1, appliedAt: now })
        .onConflictDoUpdate({
          target: governanceRevision.id,
          set: { revision: sql`${governanceRevision.revision} + 1`, appliedAt: now },
        });
    }
    return writes.map((write) => write.change);
  });
}

/** How many applies changed anything so far; it moves in the transaction of the apply. */
export async function readGovernanceRevision(db: Executor): Promise<number> {
  const [row] = await db.select({ revision: governanceRevision.revision }).from(governanceRevision);
  return row?.revision ?? 0;
}

/** Validates the text first (nothing is written for a bad file), then applies it. */
export async function applyGovernanceText(
  db: Database,
  text: string,
  options: ApplyOptions,
): Promise<GovernancePlan> {
  const validated = validateGovernance(text);
  if (!validated.ok) throw new GovernanceInvalidError(validated.errors);
  return applyGovernance(db, validated.file, options);
}

async function applyWrite(
  tx: Transaction,
  { change, table, row, set }: PlannedWrite,
  now: Date,
): Promise<void> {
  const column = (name: string) => {
    const found = getTableColumns(table.table)[name];
    if (!found) throw new Error(`${table.entity}: no column ${name}`);
    return found;
  };
  const key = and(...table.keyColumns.map((name) => eq(column(name), row[name])));
  switch (change.action) {
    case 'add':
      await tx.insert(table.table).values({ ...row, createdAt: now, updatedAt: now });
      return;
    case 'change':
      await tx
        .update(table.table)
        .set({ ...set, updatedAt: now })
        .where(key);
      return;
    case 'restore':
      await tx
        .update(table.table)
        .set({ ...set, retiredAt: null, updatedAt: now })
        .where(key);
      return;
    case 'retire':
      await tx
        .update(table.table)
        .set({ retiredAt: now, updatedAt: now })
        .where(and(key, isNull(column('retiredAt'))));
      return;
  }
}
