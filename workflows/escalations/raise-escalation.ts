import { type SQL, sql } from 'drizzle-orm';
import { type Executor, preparedStatement } from '../../db/client';
import type { Clock } from '../core/clock';
import {
  chooseRelationship,
  membershipsQuery,
  membershipValues,
  type PlatformIdentity,
  perPlatform,
  type RelationshipChoice,
} from '../core/directory';
import type { UnitOfWork } from '../core/unit-of-work';
import { EscalationError } from './escalation-errors';
import { firstProblem, type RaiseFields, raiseFields } from './escalation-input';
import { reference } from './escalation-notices';
import { ROUTE_TIMER, routeTimerId } from './route-raised';

export type RaiseResult = {
  escalationId: number;
  reference: string;
  title: string;
  /** The answer to the raiser, in one sentence; who it went to follows as a direct message. */
  confirmation: string;
};

type Raised = {
  relationship_id: string;
  name: string;
  member: boolean;
  goal_known: boolean;
  first_level: number | null;
  escalation_id: number | null;
};

type RaiseInput = RaiseFields & { relationshipId: string; raisedBy: string };

/**
 * Records an escalation and queues its routing in one statement (it runs inside the Slack request,
 * and each round trip there counts): the request that raised it is answered at once with its
 * reference, and the worker sends it through the levels (route-raised.ts), then tells the raiser
 * who it went to. Everything a person can get wrong is checked by the same statement, which stores
 * nothing unless every check passes, so a refused escalation is never stored.
 */
export async function raiseEscalation(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: RaiseInput,
): Promise<RaiseResult> {
  const fields = validated(input);
  const target = { relationshipId: input.relationshipId, personId: input.raisedBy };
  const found = await raiseWith(deps, namedRaise, target, fields);
  if (!found)
    throw new EscalationError('unknown_relationship', `There is no relationship "${input.relationshipId}".`);
  return raised(found, fields);
}

/**
 * `/escalate <title>` from a platform user: the relationship is chosen (chooseRelationship's rule)
 * by the same statement that stores the escalation, so the common case costs one round trip. When
 * none is chosen, the choice says why: not in the directory, or several to pick from.
 */
export async function raiseEscalationAs(
  deps: { db: Executor; unitOfWork: UnitOfWork; clock: Clock },
  identity: PlatformIdentity,
  channel: string | undefined,
  input: RaiseFields,
): Promise<({ kind: 'raised' } & RaiseResult) | { kind: 'choose'; choice: RelationshipChoice }> {
  const fields = validated(input);
  const found = await raiseWith(
    deps,
    raiseAs[identity.platform],
    membershipValues(identity, channel),
    fields,
  );
  if (!found) return { kind: 'choose', choice: await chooseRelationship(deps.db, identity, channel) };
  return { kind: 'raised', ...raised(found, fields) };
}

function validated(input: RaiseFields) {
  const parsed = raiseFields.safeParse(input);
  if (parsed.success) return parsed.data;
  const problem = firstProblem(parsed.error);
  throw new EscalationError('invalid_input', problem.message, problem.field);
}

/**
 * The raise, for a `target` naming the relationship and the person raising (one row, or none when
 * there is none). Prepared: planning this statement on every request was most of its cost.
 */
const raiseSql = (target: SQL) => sql`
  WITH target AS (${target}), found AS (
    SELECT r.id AS relationship_id, r.name, t.person_id,
      exists (SELECT 1 FROM people p WHERE p.relationship_id = r.id AND p.id = t.person_id
        AND p.retired_at IS NULL) AS member,
      exists (SELECT 1 FROM goals g WHERE g.relationship_id = r.id AND g.id = ${sql.placeholder('goalId')}::text
        AND g.retired_at IS NULL) AS goal_known,
      (SELECT min(l.position) FROM escalation_levels l WHERE l.relationship_id = r.id
        AND l.retired_at IS NULL AND l.ladder = ANY(${sql.placeholder('ladders')}::text[])) AS first_level
    FROM target t JOIN relationships r ON r.id = t.relationship_id AND r.retired_at IS NULL
  ), raised AS (
    INSERT INTO escalations (relationship_id, title, description, severity, goal_id, raised_by,
      level, level_started_at, created_at)
    SELECT found.relationship_id, ${sql.placeholder('title')}::text, ${sql.placeholder('description')}::text,
      ${sql.placeholder('severity')}::text, ${sql.placeholder('goalId')}::text, found.person_id,
      found.first_level, ${sql.placeholder('now')}::timestamptz, ${sql.placeholder('now')}::timestamptz
    FROM found
    WHERE found.member AND (found.goal_known OR ${sql.placeholder('goalId')}::text IS NULL)
      AND found.first_level IS NOT NULL
    RETURNING id, relationship_id
  ), routed AS (
    INSERT INTO timers (id, name, due_at, relationship_id, payload)
    SELECT ${routeTimerId('')} || raised.id, ${ROUTE_TIMER}, ${sql.placeholder('now')}::timestamptz,
      raised.relationship_id, jsonb_build_object('escalationId', raised.id)
    FROM raised
  )
  SELECT found.relationship_id, found.name, found.member, found.goal_known, found.first_level,
    raised.id AS escalation_id
  FROM found LEFT JOIN raised ON true`;

const namedRaise = preparedStatement<Raised>(() =>
  raiseSql(sql`SELECT ${sql.placeholder('relationshipId')}::text AS relationship_id,
    ${sql.placeholder('personId')}::text AS person_id`),
);
const raiseAs = perPlatform((platform) =>
  preparedStatement<Raised>(() =>
    raiseSql(
      sql`SELECT relationship_id, person_id FROM (${membershipsQuery(platform)}) chosen WHERE chosen.chosen`,
    ),
  ),
);

/**
 * Prepares the raise statements on the connection `tx` holds, so the first raises after a start
 * do not plan them: nobody is '' (a person's ids are never empty), so they store nothing.
 */
export async function warmRaiseStatements(tx: Executor) {
  const fields = {
    now: new Date(0),
    title: '',
    description: null,
    severity: 'low',
    goalId: null,
    ladders: [''],
  };
  await namedRaise(tx, { ...fields, relationshipId: '', personId: '' });
  for (const statement of Object.values(raiseAs))
    await statement(tx, { ...fields, platformUser: '', channel: null });
}

async function raiseWith(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  statement: typeof namedRaise,
  target: Record<string, unknown>,
  fields: ReturnType<typeof validated>,
): Promise<Raised | undefined> {
  const now = deps.clock.now();
  return deps.unitOfWork.oneStatement(async (db) => {
    const [row] = await statement(db, {
      ...target,
      now,
      title: fields.title,
      description: fields.description,
      severity: fields.severity,
      goalId: fields.goalId ?? null,
      ladders: fields.goalId ? ['', `goal:${fields.goalId}`] : [''],
    });
    return row;
  });
}

/** The answer to a raise the statement stored, or why it stored nothing. */
function raised(found: Raised, fields: ReturnType<typeof validated>): RaiseResult {
  if (!found.member) throw new EscalationError('not_in_directory', `You are not a person of ${found.name}.`);
  if (fields.goalId && !found.goal_known)
    throw new EscalationError('unknown_goal', `${found.name} has no goal "${fields.goalId}".`, 'goalId');
  if (found.first_level === null || found.escalation_id === null) {
    throw new EscalationError(
      'no_escalation_plan',
      `${found.name} has no escalation levels yet: ask your administrator to add them to the governance file.`,
    );
  }
  const ref = reference(found.escalation_id);
  return {
    escalationId: found.escalation_id,
    reference: ref,
    title: fields.title,
    confirmation: `${ref} is raised. I will message you who it went to in a moment.`,
  };
}
