import { and, eq, isNull } from 'drizzle-orm';
import { escalations } from '../../db/schema/escalations';
import { goals } from '../../db/schema/goals';
import type { Clock } from '../core/clock';
import type { RelationshipDirectory } from '../core/directory';
import type { UnitOfWork } from '../core/unit-of-work';
import { loadAbsences } from './absences';
import { escalationDirectory } from './escalation-directory';
import {
  audit,
  briefExecutive,
  postToChannels,
  requestDecisions,
  scheduleSla,
  slaDue,
  tell,
} from './escalation-engine';
import { EscalationError } from './escalation-errors';
import { firstProblem, type RaiseFields, raiseFields } from './escalation-input';
import { type Escalation, levelName, nameOf, reference } from './escalation-notices';
import { nextReachableLevel, routeLevel } from './route';

export type RaiseResult = {
  escalation: Escalation;
  reference: string;
  /** Names of the people asked to decide. */
  sentTo: string[];
  /** The confirmation for the raiser, in one sentence. */
  confirmation: string;
};

/**
 * Raises an escalation at level 1, or at the first level above it with someone to decide. The
 * deciders, the executive and the governance channel are told once the transaction commits.
 */
export async function raiseEscalation(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: RaiseFields & { relationshipId: string; raisedBy: string; confirmByMessage?: boolean },
): Promise<RaiseResult> {
  const parsed = raiseFields.safeParse(input);
  if (!parsed.success) {
    const problem = firstProblem(parsed.error);
    throw new EscalationError('invalid_input', problem.message, problem.field);
  }
  const fields = parsed.data;
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const directory = await escalationDirectory(work.tx, input.relationshipId, fields.goalId);
    if (!directory)
      throw new EscalationError(
        'unknown_relationship',
        `There is no relationship "${input.relationshipId}".`,
      );
    if (!directory.people.has(input.raisedBy)) {
      throw new EscalationError(
        'not_in_directory',
        `You are not a person of ${directory.relationship.name}.`,
      );
    }
    if (fields.goalId) await assertGoal(work.tx, directory, fields.goalId);
    const first = directory.levels[0];
    if (!first) {
      throw new EscalationError(
        'no_escalation_plan',
        `${directory.relationship.name} has no escalation levels yet: ask your administrator to add them to the governance file.`,
      );
    }
    const absent = await loadAbsences(work.tx, directory.relationship.id);
    const firstRoute = routeLevel(first, input.raisedBy, absent, now);
    const start =
      firstRoute.deciders.length > 0
        ? { level: first, route: firstRoute, passed: [] }
        : nextReachableLevel(directory.levels, first.position, input.raisedBy, absent, now);
    const top = directory.levels.at(-1) ?? first;
    const level = start?.level ?? top;
    const [escalation] = await work.tx
      .insert(escalations)
      .values({
        relationshipId: directory.relationship.id,
        title: fields.title,
        description: fields.description,
        severity: fields.severity,
        goalId: fields.goalId,
        raisedBy: input.raisedBy,
        level: level.position,
        levelStartedAt: now,
        slaDueAt: slaDue(directory, level, now),
        createdAt: now,
      })
      .returning();
    if (!escalation) throw new Error('escalation insert returned no row');

    const reached = start ? await requestDecisions(work, escalation, directory, start.route) : [];
    await postToChannels(work, escalation, directory);
    if (escalation.slaDueAt) await scheduleSla(work, escalation, escalation.slaDueAt);
    const passed = start ? (start.level === first ? [] : [first, ...start.passed]) : directory.levels;
    await audit(work, escalation, input.raisedBy, 'raised', now, {
      title: escalation.title,
      severity: escalation.severity,
      level: escalation.level,
      sentTo: reached,
      passed: passed.map((skipped) => skipped.position),
    });

    const ref = reference(escalation.id);
    const unreachable = passed.length
      ? ` Nobody could be reached at ${passed.map(levelName).join(', ')}${start ? '' : ': you decide it'}.`
      : '';
    await briefExecutive(
      work,
      escalation,
      directory,
      `${nameOf(directory, input.raisedBy)} raised ${ref} at ${levelName(level)}.${unreachable}`,
      reached,
    );
    const sentTo = reached.map((personId) => nameOf(directory, personId));
    const confirmation = sentTo.length
      ? `${ref} is raised and went to ${sentTo.join(', ')} (${levelName(level)}).`
      : `${ref} is raised. Nobody at any level could be reached, so ${nameOf(directory, directory.executive)} (the escalation executive) was told.`;
    if (input.confirmByMessage) await tell(work, escalation, directory, input.raisedBy, confirmation);
    return { escalation, reference: ref, sentTo, confirmation };
  });
}

async function assertGoal(
  tx: Parameters<Parameters<UnitOfWork>[0]>[0]['tx'],
  directory: RelationshipDirectory,
  goalId: string,
) {
  const [goal] = await tx
    .select()
    .from(goals)
    .where(
      and(eq(goals.relationshipId, directory.relationship.id), eq(goals.id, goalId), isNull(goals.retiredAt)),
    );
  if (!goal) {
    throw new EscalationError(
      'unknown_goal',
      `${directory.relationship.name} has no goal "${goalId}".`,
      'goalId',
    );
  }
}
