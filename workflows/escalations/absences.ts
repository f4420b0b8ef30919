import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { absences } from '../../db/schema/escalations';
import type { Absence } from './route';

/** Current absences in a relationship, for routing decisions. */
export async function loadAbsences(db: Executor, relationshipId: string): Promise<Absence[]> {
  const rows = await db
    .select()
    .from(absences)
    .where(and(eq(absences.relationshipId, relationshipId), isNull(absences.endedAt)));
  return rows.map((row) => ({ personId: row.personId, until: row.until, delegateId: row.delegateId }));
}
