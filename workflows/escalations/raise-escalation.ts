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
import { groupCommitted } from '../core/group-commit';
import { notifyDueAtOnce } from '../core/timers';
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
  const found = await raisesOf(deps.unitOfWork).named({
    relationship_id: input.relationshipId,
    person_id: input.raisedBy,
    now: deps.clock.now(),
    ...statementFields(fields),
  });
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
  const { platformUser, channel: inChannel } = membershipValues(identity, channel);
  const found = await raisesOf(deps.unitOfWork)[identity.platform]({
    platform_user: platformUser,
    channel: inChannel,
    now: deps.clock.now(),
    ...statementFields(fields),
  });
  if (!found) return { kind: 'choose', choice: await chooseRelationship(deps.db, identity, channel) };
  return { kind: 'raised', ...raised(found, fields) };
}

function validated(input: RaiseFields) {
  const parsed = raiseFields.safeParse(input);
  if (parsed.success) return parsed.data;
  const problem = firstProblem(parsed.error);
  throw new EscalationError('invalid_input', problem.message, problem.field);
}

/** One raise of a batch, as the raise statement reads it from its JSON array. */
type RaiseRow = {
  /** Named: the relationship and the person raising (a form that already chose them). */
  relationship_id?: string;
  person_id?: string;
  /** Or a platform user, whose relationship the statement chooses (membershipsQuery). */
  platform_user?: string;
  channel?: string | null;
  now: Date;
  title: string;
  description: string | null;
  severity: string;
  goal_id: string | null;
  ladders: string[];
};

/**
 * Raises, one per row of a JSON array (under a burst, many callers' at once: group-commit.ts), for
 * a `target` giving each row's relationship and person, or none when there is none. Everything a
 * person can get wrong is checked here. Escalation ids are taken from the sequence before the
 * insert, so each row gets back its own. Its routing timers notify the workers as it commits, so
 * routing starts at once. Prepared: planning it on every request was most of its cost.
 */
const raiseSql = (target: SQL) => sql`
  WITH input AS (
    SELECT e.ord, r.*
    FROM jsonb_array_elements(${sql.placeholder('raises')}::jsonb) WITH ORDINALITY AS e(value, ord),
      jsonb_to_record(e.value) AS r(relationship_id text, person_id text, platform_user text,
        channel text, now timestamptz, title text, description text, severity text, goal_id text,
        ladders text[])
  ), found AS (
    SELECT i.ord, r.id AS relationship_id, r.name, t.person_id,
      exists (SELECT 1 FROM people p WHERE p.relationship_id = r.id AND p.id = t.person_id
        AND p.retired_at IS NULL) AS member,
      exists (SELECT 1 FROM goals g WHERE g.relationship_id = r.id AND g.id = i.goal_id
        AND g.retired_at IS NULL) AS goal_known,
      (SELECT min(l.position) FROM escalation_levels l WHERE l.relationship_id = r.id
        AND l.retired_at IS NULL AND l.ladder = ANY(i.ladders)) AS first_level
    FROM input i
    JOIN LATERAL (${target}) t ON true
    JOIN relationships r ON r.id = t.relationship_id AND r.retired_at IS NULL
  ), accepted AS MATERIALIZED (
    SELECT found.ord, found.relationship_id, found.person_id, found.first_level,
      nextval(pg_get_serial_sequence('escalations', 'id'))::integer AS escalation_id
    FROM found JOIN input i ON i.ord = found.ord
    WHERE found.member AND (found.goal_known OR i.goal_id IS NULL) AND found.first_level IS NOT NULL
  ), raised AS (
    INSERT INTO escalations (id, relationship_id, title, description, severity, goal_id, raised_by,
      level, level_started_at, created_at)
    SELECT a.escalation_id, a.relationship_id, i.title, i.description, i.severity, i.goal_id,
      a.person_id, a.first_level, i.now, i.now
    FROM accepted a JOIN input i ON i.ord = a.ord
  ), routed AS (
    INSERT INTO timers (id, name, due_at, relationship_id, payload)
    SELECT ${routeTimerId('')} || a.escalation_id, ${ROUTE_TIMER}, i.now, a.relationship_id,
      jsonb_build_object('escalationId', a.escalation_id)
    FROM accepted a JOIN input i ON i.ord = a.ord
    RETURNING name
  )
  SELECT found.ord, found.relationship_id, found.name, found.member, found.goal_known,
    found.first_level, accepted.escalation_id,
    (SELECT count(${notifyDueAtOnce(ROUTE_TIMER)}) FROM routed) AS notified
  FROM found LEFT JOIN accepted ON accepted.ord = found.ord`;

const raiseStatements = {
  named: preparedStatement<Raised & { ord: string }>(() =>
    raiseSql(sql`SELECT i.relationship_id, i.person_id`),
  ),
  ...perPlatform((platform) =>
    preparedStatement<Raised & { ord: string }>(() =>
      raiseSql(sql`
        SELECT chosen.relationship_id, chosen.person_id
        FROM (${membershipsQuery(platform, { platformUser: sql`i.platform_user`, channel: sql`i.channel` })}) chosen
        WHERE chosen.chosen`),
    ),
  ),
};

/** Raises written together under a burst; at most this many in one statement. */
const RAISE_BATCH_MAX = 100;

/** Each bot (its unit of work: its database) batches its own raises, never another's. */
const batchers = new WeakMap<UnitOfWork, Record<keyof typeof raiseStatements, RaiseOne>>();
type RaiseOne = (row: RaiseRow) => Promise<Raised | undefined>;

function raisesOf(unitOfWork: UnitOfWork) {
  let found = batchers.get(unitOfWork);
  if (!found) {
    const batcher = (statement: (typeof raiseStatements)[keyof typeof raiseStatements]): RaiseOne =>
      groupCommitted(
        (rows: RaiseRow[]) =>
          unitOfWork.oneStatement(async (db) => {
            const written = await statement(db, { raises: JSON.stringify(rows) });
            const byOrd = new Map(written.map((row) => [Number(row.ord), row]));
            return rows.map((_, i) => byOrd.get(i + 1));
          }),
        RAISE_BATCH_MAX,
      );
    found = {
      named: batcher(raiseStatements.named),
      slack: batcher(raiseStatements.slack),
      teams: batcher(raiseStatements.teams),
    };
    batchers.set(unitOfWork, found);
  }
  return found;
}

/**
 * Prepares the raise statements on the connection `tx` holds, so the first raises after a start
 * do not plan them: nobody is '' (a person's ids are never empty), so they store nothing.
 */
export async function warmRaiseStatements(tx: Executor) {
  const nobody: RaiseRow = {
    relationship_id: '',
    person_id: '',
    platform_user: '',
    channel: null,
    now: new Date(0),
    title: '',
    description: null,
    severity: 'low',
    goal_id: null,
    ladders: [''],
  };
  for (const statement of Object.values(raiseStatements))
    await statement(tx, { raises: JSON.stringify([nobody]) });
}

/** The checked fields as the raise statement reads them. */
function statementFields(fields: ReturnType<typeof validated>) {
  return {
    title: fields.title,
    description: fields.description ?? null,
    severity: fields.severity,
    goal_id: fields.goalId ?? null,
    ladders: fields.goalId ? ['', `goal:${fields.goalId}`] : [''],
  };
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
