import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { type GoalStatus, goals } from '../../db/schema/goals';
import type { Clock } from '../core/clock';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import type { UnitOfWork } from '../core/unit-of-work';
import { audit, goalsWithId, loadContext, lockGoal, ownerOf, refreshMessages, tell } from './goal-engine';
import { GoalError } from './goal-errors';
import { readNote } from './goal-input';
import { nameOf } from './goal-notices';

/** What a person types to name a goal: its id, or `<relationship>/<id>` when they are in several. */
export async function findGoal(db: Executor, actor: PlatformIdentity, reference: string) {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) {
    throw new GoalError(
      'not_in_directory',
      'You are not in the governance directory of any relationship. Ask your administrator to add you to the governance file.',
    );
  }
  const [relationshipId, goalId] = reference.includes('/') ? reference.split('/', 2) : [undefined, reference];
  const mine = memberships
    .map((membership) => membership.relationshipId)
    .filter((id) => relationshipId === undefined || id === relationshipId);
  const found = await goalsWithId(db, mine, goalId ?? '');
  const [goal] = found;
  if (!goal) {
    throw new GoalError(
      'unknown_goal',
      `There is no goal "${reference}" in your relationships (goal list shows them).`,
      'goal',
    );
  }
  if (found.length > 1) {
    const options = found.map((row) => `${row.relationshipId}/${row.id}`).join(' or ');
    throw new GoalError(
      'ambiguous_goal',
      `Several of your relationships have a goal "${reference}": say ${options}.`,
    );
  }
  const membership = memberships.find((candidate) => candidate.relationshipId === goal.relationshipId);
  return { goal, personId: membership?.personId ?? '' };
}

/**
 * `/goal achieved <id>` and `/goal drop <id> <reason>`: the proposer, the owner the governance file
 * names, or the escalation executive closes the goal. Only an agreed goal can be achieved.
 */
export async function closeGoal(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: { actor: PlatformIdentity; reference: string; status: 'achieved' | 'dropped'; reason?: string },
): Promise<string> {
  const reason = readNote(input.reason);
  if (input.status === 'dropped' && !reason) {
    throw new GoalError('invalid_input', 'Say why the goal is dropped: drop <id> <reason>.', 'reason');
  }
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const found = await findGoal(work.tx, input.actor, input.reference);
    const goal = await lockGoal(work.tx, found.goal.relationshipId, found.goal.id);
    const directory = goal && (await loadDirectory(work.tx, goal.relationshipId));
    if (!goal || !directory) throw new GoalError('unknown_goal', `There is no goal "${input.reference}".`);
    const actorId = found.personId;
    const owner = await ownerOf(work.tx, goal);
    const allowed = [goal.proposedBy, owner, directory.executive].filter((id): id is string => Boolean(id));
    if (!allowed.includes(actorId)) {
      const who = [
        goal.proposedBy ? `${nameOf(directory, goal.proposedBy)} (who proposed it)` : undefined,
        owner ? `${nameOf(directory, owner)} (its owner)` : undefined,
        directory.executive
          ? `${nameOf(directory, directory.executive)} (the escalation executive)`
          : undefined,
      ].filter(Boolean);
      throw new GoalError(
        'not_allowed',
        `Only ${who.join(' or ') || 'its owner'} can close goal ${goal.id}.`,
      );
    }
    const closed: GoalStatus[] = ['achieved', 'dropped'];
    if (closed.includes(goal.status)) {
      throw new GoalError('goal_closed', `Goal ${goal.id} is already ${goal.status}; nothing was changed.`);
    }
    if (input.status === 'achieved' && goal.status !== 'agreed') {
      throw new GoalError(
        'not_allowed',
        `Goal ${goal.id} is not agreed yet, so it cannot be achieved: both sides agree it first.`,
      );
    }
    const [updated] = await work.tx
      .update(goals)
      .set({ status: input.status, updatedAt: now })
      .where(and(eq(goals.relationshipId, goal.relationshipId), eq(goals.id, goal.id)))
      .returning();
    if (!updated) throw new Error(`goal ${goal.id} vanished while closing`);
    await audit(work, updated, actorId, input.status, now, {
      from: goal.status,
      ...(reason ? { reason } : {}),
    });
    const headline = `Goal ${goal.id} was ${input.status} by ${nameOf(directory, actorId)}${reason ? `: ${reason}` : '.'}`;
    const context = await loadContext(work.tx, updated, directory);
    await refreshMessages(work, context, { note: headline });
    for (const personId of new Set([goal.proposedBy, owner])) {
      if (personId && personId !== actorId) await tell(work, context, personId, headline);
    }
    return `Goal ${goal.id} is ${input.status}.`;
  });
}
