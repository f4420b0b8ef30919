import { and, eq, isNull, sql } from 'drizzle-orm';
import { relationships } from '../../db/schema/directory';
import { escalations } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import type { UnitOfWork } from '../core/unit-of-work';
import { EscalationError } from './escalation-errors';
import { firstProblem, type RaiseFields, raiseFields } from './escalation-input';
import { type Escalation, reference } from './escalation-notices';
import { ROUTE_TIMER } from './route-raised';

export type RaiseResult = {
  escalation: Escalation;
  reference: string;
  /** The answer to the raiser, in one sentence; who it went to follows as a direct message. */
  confirmation: string;
};

/**
 * Records an escalation and queues its routing, in one short transaction: the request that raised it
 * is answered at once with its reference, and the worker sends it through the levels
 * (route-raised.ts), then tells the raiser who it went to. Everything a person can get wrong is
 * checked here, so a refused escalation is never stored.
 */
export async function raiseEscalation(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: RaiseFields & { relationshipId: string; raisedBy: string },
): Promise<RaiseResult> {
  const parsed = raiseFields.safeParse(input);
  if (!parsed.success) {
    const problem = firstProblem(parsed.error);
    throw new EscalationError('invalid_input', problem.message, problem.field);
  }
  const fields = parsed.data;
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const ladders = fields.goalId ? ['', `goal:${fields.goalId}`] : [''];
    // One round trip for every check: this runs inside the Slack request. Columns are written out
    // qualified, as drizzle leaves them bare inside sql and the subqueries would read their own.
    const [found] = await work.tx
      .select({
        name: relationships.name,
        member: sql<boolean>`exists (select 1 from people p where p.relationship_id = relationships.id and p.id = ${input.raisedBy} and p.retired_at is null)`,
        goalKnown: sql<boolean>`exists (select 1 from goals g where g.relationship_id = relationships.id and g.id = ${fields.goalId ?? ''} and g.retired_at is null)`,
        firstLevel: sql<
          number | null
        >`(select min(l.position) from escalation_levels l where l.relationship_id = relationships.id and l.retired_at is null and l.ladder in ${ladders})`,
      })
      .from(relationships)
      .where(and(eq(relationships.id, input.relationshipId), isNull(relationships.retiredAt)));
    if (!found)
      throw new EscalationError(
        'unknown_relationship',
        `There is no relationship "${input.relationshipId}".`,
      );
    if (!found.member)
      throw new EscalationError('not_in_directory', `You are not a person of ${found.name}.`);
    if (fields.goalId && !found.goalKnown)
      throw new EscalationError('unknown_goal', `${found.name} has no goal "${fields.goalId}".`, 'goalId');
    if (found.firstLevel === null) {
      throw new EscalationError(
        'no_escalation_plan',
        `${found.name} has no escalation levels yet: ask your administrator to add them to the governance file.`,
      );
    }
    const [escalation] = await work.tx
      .insert(escalations)
      .values({
        relationshipId: input.relationshipId,
        title: fields.title,
        description: fields.description,
        severity: fields.severity,
        goalId: fields.goalId,
        raisedBy: input.raisedBy,
        level: found.firstLevel,
        levelStartedAt: now,
        createdAt: now,
      })
      .returning();
    if (!escalation) throw new Error('escalation insert returned no row');
    await work.scheduleTimer({
      id: `escalation-route.${escalation.id}`,
      name: ROUTE_TIMER,
      dueAt: now,
      relationshipId: escalation.relationshipId,
      payload: { escalationId: escalation.id },
      fresh: true,
    });
    const ref = reference(escalation.id);
    return {
      escalation,
      reference: ref,
      confirmation: `${ref} is raised. I will message you who it went to in a moment.`,
    };
  });
}
