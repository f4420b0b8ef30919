import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { type Executor, preparedStatement } from '../../db/client';
import { rowFromJson } from '../../db/json-rows';
import { escalationLevels, people, relationships, roles } from '../../db/schema/directory';
import { absences } from '../../db/schema/escalations';
import { goals } from '../../db/schema/goals';
import type { Recipient } from '../../db/schema/jobs';

export type Person = typeof people.$inferSelect;
export type Relationship = typeof relationships.$inferSelect;
export type Level = typeof escalationLevels.$inferSelect & { approvers: string[] };

/** An approver marked away until a time, with the delegate who decides in their place, if any. */
export type Absence = { personId: string; until: Date; delegateId: string | null };

/** One relationship's governance as it stands now: who is who, who is away, and the escalation plan. */
export type RelationshipDirectory = {
  relationship: Relationship;
  people: Map<string, Person>;
  levels: Level[];
  executive: string | undefined;
  /** The absences not ended (`/escalate back`); one whose `until` has passed no longer counts. */
  absences: Absence[];
};

/** How a person is addressed on a platform; user ids are what adapters resolve actors from. */
export type PlatformIdentity =
  | { platform: 'slack'; userId: string }
  | { platform: 'teams'; aadObjectId: string };

/**
 * A relationship with its people, one ladder's levels, the roles routing needs and its absences, in
 * one statement: every decision, routing batch and SLA check reads it, and each table on its own was
 * a round trip of its own (a few milliseconds each on a worker that is busy sending). Only the
 * approver and executive roles: a relationship can have thousands of meeting attendees.
 */
const directoryStatement = preparedStatement<{
  relationship: Record<string, unknown>;
  people: Record<string, unknown>[];
  levels: Record<string, unknown>[];
  roles: Record<string, unknown>[];
  absences: Record<string, unknown>[];
}>(
  () => sql`
    SELECT row_to_json(r) AS relationship,
      (SELECT coalesce(json_agg(p), '[]') FROM ${people} p
        WHERE p.relationship_id = r.id AND p.retired_at IS NULL) AS people,
      (SELECT coalesce(json_agg(l ORDER BY l.position), '[]') FROM ${escalationLevels} l
        WHERE l.relationship_id = r.id AND l.ladder = ${sql.placeholder('ladder')}
          AND l.retired_at IS NULL) AS levels,
      (SELECT coalesce(json_agg(o), '[]') FROM ${roles} o
        WHERE o.relationship_id = r.id AND o.role IN ('approver', 'executive')
          AND o.retired_at IS NULL) AS roles,
      (SELECT coalesce(json_agg(a), '[]') FROM ${absences} a
        WHERE a.relationship_id = r.id AND a.ended_at IS NULL) AS absences
    FROM ${relationships} r
    WHERE r.id = ${sql.placeholder('relationshipId')} AND r.retired_at IS NULL`,
);

/** `ladder` picks the escalation levels: the relationship's (`''`) or a goal's own (`goal:<id>`). */
export async function loadDirectory(
  db: Executor,
  relationshipId: string,
  ladder = '',
): Promise<RelationshipDirectory | undefined> {
  const [found] = await directoryStatement(db, { relationshipId, ladder });
  if (!found) return undefined;
  const roleRows = found.roles.map((row) => rowFromJson(roles, row));
  const approversOf = (position: number) =>
    roleRows
      .filter(
        (role) => role.role === 'approver' && role.scope === `${ladder ? `${ladder}:` : ''}level:${position}`,
      )
      .map((role) => role.personId)
      .sort();
  return {
    relationship: rowFromJson(relationships, found.relationship),
    people: new Map(
      found.people.map((row) => {
        const person = rowFromJson(people, row);
        return [person.id, person];
      }),
    ),
    levels: found.levels.map((row) => {
      const level = rowFromJson(escalationLevels, row);
      return { ...level, approvers: approversOf(level.position) };
    }),
    executive: roleRows.find((role) => role.role === 'executive')?.personId,
    absences: found.absences.map((row) => {
      const { personId, until, delegateId } = rowFromJson(absences, row);
      return { personId, until, delegateId };
    }),
  };
}

/** Every active relationship this platform user is a person of (a user may belong to several). */
export async function findMemberships(
  db: Executor,
  identity: PlatformIdentity,
): Promise<{ relationshipId: string; personId: string }[]> {
  const column = identity.platform === 'slack' ? people.slackUserId : people.teamsAadObjectId;
  const value = identity.platform === 'slack' ? identity.userId : identity.aadObjectId;
  const rows = await db
    .select({ relationshipId: people.relationshipId, personId: people.id })
    .from(people)
    .innerJoin(relationships, eq(relationships.id, people.relationshipId))
    .where(and(eq(column, value), isNull(people.retiredAt), isNull(relationships.retiredAt)))
    .orderBy(asc(people.relationshipId));
  return rows;
}

/** Where a person's direct messages go: Slack when they have a Slack id, else Teams. */
export function directMessageTo(person: Person): Recipient | undefined {
  if (person.slackUserId) return { platform: 'slack', channel: person.slackUserId };
  if (person.teamsAadObjectId) {
    return { platform: 'teams', aadObjectId: person.teamsAadObjectId };
  }
  return undefined;
}

export const timeZoneOf = (person: Person | undefined, relationship: Relationship) =>
  person?.timezone ?? relationship.timezone;

export type RelationshipChoice =
  | { kind: 'one'; relationshipId: string; personId: string }
  | { kind: 'none' }
  | { kind: 'several'; options: { relationshipId: string; personId: string; name: string }[] };

/**
 * The relationships a platform user is a person of, as a query a statement can build on (raising an
 * escalation chooses its relationship and stores it in one round trip). `chosen` marks the one a
 * command is about: the person's only relationship, else the one whose governance channel it was
 * typed in; with several and none chosen, the person is asked. Its values are placeholders, filled
 * from membershipValues, unless `of` names the columns that hold them (one query per row of a batch).
 */
export function membershipsQuery(
  platform: PlatformIdentity['platform'],
  of: { platformUser: SQL; channel: SQL } = {
    platformUser: sql`${sql.placeholder('platformUser')}`,
    channel: sql`${sql.placeholder('channel')}::text`,
  },
): SQL {
  const column = platform === 'slack' ? sql`p.slack_user_id` : sql`p.teams_aad_object_id`;
  const { channel } = of;
  const inChannel = sql`coalesce(r.slack_channel = ${channel} OR r.teams_channel = ${channel}, false)`;
  return sql`SELECT m.relationship_id, m.person_id, m.name,
      (m.total = 1 OR (m.in_channel AND m.channel_rank = 1)) AS chosen
    FROM (
      SELECT p.relationship_id, p.id AS person_id, r.name, ${inChannel} AS in_channel,
        count(*) OVER () AS total,
        row_number() OVER (PARTITION BY ${inChannel} ORDER BY p.relationship_id) AS channel_rank
      FROM people p JOIN relationships r ON r.id = p.relationship_id
      WHERE ${column} = ${of.platformUser} AND p.retired_at IS NULL AND r.retired_at IS NULL
    ) m`;
}

export const membershipValues = (identity: PlatformIdentity, channel: string | undefined) => ({
  platformUser: identity.platform === 'slack' ? identity.userId : identity.aadObjectId,
  channel: channel ?? null,
});

type MembershipRow = { relationship_id: string; person_id: string; name: string; chosen: boolean };

/** One of something per platform (a statement whose text names the platform's id column). */
export const perPlatform = <T>(make: (platform: PlatformIdentity['platform']) => T) => ({
  slack: make('slack'),
  teams: make('teams'),
});

const membershipStatements = perPlatform((platform) =>
  preparedStatement<MembershipRow>(() => sql`${membershipsQuery(platform)} ORDER BY m.relationship_id`),
);

/** Which relationship a command is about (see membershipsQuery), in one round trip. */
export async function chooseRelationship(
  db: Executor,
  identity: PlatformIdentity,
  channel?: string,
): Promise<RelationshipChoice> {
  const rows = await membershipStatements[identity.platform](db, membershipValues(identity, channel));
  if (rows.length === 0) return { kind: 'none' };
  const chosen = rows.find((row) => row.chosen);
  if (chosen) return { kind: 'one', relationshipId: chosen.relationship_id, personId: chosen.person_id };
  return {
    kind: 'several',
    options: rows.map((row) => ({
      relationshipId: row.relationship_id,
      personId: row.person_id,
      name: row.name,
    })),
  };
}

/** The goals a person can link an escalation to (proposed or agreed, not closed), per relationship. */
export async function activeGoals(db: Executor, relationshipIds: string[]) {
  if (relationshipIds.length === 0) return [];
  return db
    .select({ relationshipId: goals.relationshipId, id: goals.id, title: goals.title })
    .from(goals)
    .where(
      and(
        inArray(goals.relationshipId, relationshipIds),
        isNull(goals.retiredAt),
        inArray(goals.status, ['proposed', 'agreed']),
      ),
    )
    .orderBy(asc(goals.relationshipId), asc(goals.id));
}

/** Which person of a relationship a platform user is. */
export function personOf(directory: RelationshipDirectory, identity: PlatformIdentity): string | undefined {
  for (const person of directory.people.values()) {
    const matches =
      identity.platform === 'slack'
        ? person.slackUserId === identity.userId
        : person.teamsAadObjectId === identity.aadObjectId;
    if (matches) return person.id;
  }
  return undefined;
}

/** A person's name for messages; their id when the directory no longer knows them. */
export const nameOf = (
  directory: RelationshipDirectory,
  personId: string | null | undefined,
  fallback = 'nobody',
) => (personId && directory.people.get(personId)?.name) || personId || fallback;
