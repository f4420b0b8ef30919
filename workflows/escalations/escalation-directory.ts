import type { Executor } from '../../db/client';
import { loadDirectory, type RelationshipDirectory } from '../core/directory';

/**
 * The directory an escalation climbs: its goal's own levels when the governance file gives the goal
 * levels (who is involved in each goal), else the relationship's.
 */
export async function escalationDirectory(
  db: Executor,
  relationshipId: string,
  goalId: string | null | undefined,
): Promise<RelationshipDirectory | undefined> {
  if (goalId) {
    const own = await loadDirectory(db, relationshipId, `goal:${goalId}`);
    if (own && own.levels.length > 0) return own;
  }
  return loadDirectory(db, relationshipId);
}
