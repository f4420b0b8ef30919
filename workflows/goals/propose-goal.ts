import { goals } from '../../db/schema/goals';
import type { Clock } from '../core/clock';
import { loadDirectory } from '../core/directory';
import type { UnitOfWork } from '../core/unit-of-work';
import { SIDES } from './agreement';
import { audit, loadContext, postToChannels, requestAgreement, tell } from './goal-engine';
import { GoalError } from './goal-errors';
import { goalId, type ProposeFields, readGoalFields, todayIn } from './goal-input';
import { type Goal, nameOf, sideName } from './goal-notices';

export type ProposeResult = { goal: Goal; confirmation: string };

/**
 * Proposes a goal in chat: it is stored as proposed in round 1 and each side's agreers get a request
 * with Agree, Reject and Propose change once the transaction commits.
 */
export async function proposeGoal(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: ProposeFields & { relationshipId: string; proposedBy: string; confirmByMessage?: boolean },
): Promise<ProposeResult> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const directory = await loadDirectory(work.tx, input.relationshipId);
    if (!directory) {
      throw new GoalError('unknown_relationship', `There is no relationship "${input.relationshipId}".`);
    }
    if (!directory.people.has(input.proposedBy)) {
      throw new GoalError('not_in_directory', `You are not a person of ${directory.relationship.name}.`);
    }
    const fields = readGoalFields(input, todayIn(directory.relationship.timezone, now));
    const [goal] = await work.tx
      .insert(goals)
      .values({
        relationshipId: directory.relationship.id,
        id: goalId(fields.title),
        title: fields.title,
        description: fields.description,
        measure: fields.measure,
        targetDate: fields.targetDate ?? null,
        status: 'proposed',
        proposedBy: input.proposedBy,
        round: 1,
        source: 'chat',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!goal) throw new Error('goal insert returned no row');
    const context = await loadContext(work.tx, goal, directory);
    const reached = requestAgreement(work, context);
    postToChannels(work, context);
    await audit(work, goal, input.proposedBy, 'proposed', now, {
      title: goal.title,
      round: goal.round,
      sentTo: reached,
    });

    const names = (ids: string[]) => ids.map((personId) => nameOf(directory, personId)).join(', ');
    const asked = SIDES.filter((side) => reached[side].length > 0).map(
      (side) => `${names(reached[side])} for ${sideName(directory, side)}`,
    );
    const missing = SIDES.filter((side) => reached[side].length === 0).map((side) =>
      sideName(directory, side),
    );
    const confirmation = [
      `Goal ${goal.id} is proposed${asked.length ? ` and went to ${asked.join(' and ')} for agreement` : ''}.`,
      missing.length
        ? ` Nobody can be asked to agree for ${missing.join(' or ')}: ask your administrator to name them under goal_agreement in the governance file.`
        : '',
    ].join('');
    if (input.confirmByMessage) await tell(work, context, input.proposedBy, confirmation);
    return { goal, confirmation };
  });
}
