import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { goals } from '../../db/schema/goals';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import { loadContext } from './goal-engine';
import { GoalError } from './goal-errors';
import { sideLine, statusLine } from './goal-notices';

/** `/goal list`: every goal of the person's relationships, its status and each side's agreement. */
export async function listGoals(db: Executor, actor: PlatformIdentity): Promise<string> {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) {
    throw new GoalError(
      'not_in_directory',
      'You are not in the governance directory of any relationship. Ask your administrator to add you to the governance file.',
    );
  }
  const sections: string[] = [];
  for (const { relationshipId } of memberships) {
    const directory = await loadDirectory(db, relationshipId);
    if (!directory) continue;
    const rows = await db
      .select()
      .from(goals)
      .where(and(eq(goals.relationshipId, relationshipId), isNull(goals.retiredAt)))
      .orderBy(asc(goals.createdAt), asc(goals.id));
    const lines: string[] = [];
    for (const goal of rows) {
      const context = await loadContext(db, goal, directory);
      const { client, provider } = directory.relationship;
      lines.push(
        `• ${goal.id}: ${goal.title} — ${statusLine(goal)}\n    ${client}: ${sideLine(context, 'client')}; ${provider}: ${sideLine(context, 'provider')}`,
      );
    }
    sections.push(
      `Goals of ${directory.relationship.name}:\n${lines.length ? lines.join('\n') : '• none yet'}`,
    );
  }
  return sections.join('\n\n');
}
