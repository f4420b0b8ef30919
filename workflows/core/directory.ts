import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { escalationLevels, people, relationships, roles } from '../../db/schema/directory';
import { goals } from '../../db/schema/goals';
import type { Recipient } from '../../db/schema/jobs';

export type Person = typeof people.$inferSelect;
export type Relationship = typeof relationships.$inferSelect;
export type Level = typeof escalationLevels.$inferSelect & { approvers: string[] };

/** One relationship's governance as it stands now: who is who, and the escalation plan. */
export type RelationshipDirectory = {
  relationship: Relationship;
  people: Map<string, Person>;
  levels: Level[];
  executive: string | undefined;
};

/** How a person is addressed on a platform; user ids are what adapters resolve actors from. */
export type PlatformIdentity =
  | { platform: 'slack'; userId: string }
  | { platform: 'teams'; aadObjectId: string };

/** `ladder` picks the escalation levels: the relationship's (`''`) or a goal's own (`goal:<id>`). */
export async function loadDirectory(
  db: Executor,
  relationshipId: string,
  ladder = '',
): Promise<RelationshipDirectory | undefined> {
  const [relationship] = await db
    .select()
    .from(relationships)
    .where(and(eq(relationships.id, relationshipId), isNull(relationships.retiredAt)));
  if (!relationship) return undefined;
  // One after the other: a transaction is one connection, which runs one query at a time anyway.
  const personRows = await db
    .select()
    .from(people)
    .where(and(eq(people.relationshipId, relationshipId), isNull(people.retiredAt)));
  const levelRows = await db
    .select()
    .from(escalationLevels)
    .where(
      and(
        eq(escalationLevels.relationshipId, relationshipId),
        eq(escalationLevels.ladder, ladder),
        isNull(escalationLevels.retiredAt),
      ),
    )
    .orderBy(asc(escalationLevels.position));
  // Only the roles routing needs: a relationship can have thousands of meeting attendees.
  const roleRows = await db
    .select()
    .from(roles)
    .where(
      and(
        eq(roles.relationshipId, relationshipId),
        inArray(roles.role, ['approver', 'executive']),
        isNull(roles.retiredAt),
      ),
    );
  const approversOf = (position: number) =>
    roleRows
      .filter(
        (role) => role.role === 'approver' && role.scope === `${ladder ? `${ladder}:` : ''}level:${position}`,
      )
      .map((role) => role.personId)
      .sort();
  return {
    relationship,
    people: new Map(personRows.map((person) => [person.id, person])),
    levels: levelRows.map((level) => ({ ...level, approvers: approversOf(level.position) })),
    executive: roleRows.find((role) => role.role === 'executive')?.personId,
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
 * Which relationship a command is about: the one whose governance channel it was typed in, else
 * the person's only relationship; with several, the person is asked.
 */
export async function chooseRelationship(
  db: Executor,
  identity: PlatformIdentity,
  channel?: string,
): Promise<RelationshipChoice> {
  const memberships = await findMemberships(db, identity);
  if (memberships.length === 0) return { kind: 'none' };
  if (memberships.length === 1 && memberships[0]) return { kind: 'one', ...memberships[0] };
  const named = await db
    .select({
      id: relationships.id,
      name: relationships.name,
      slack: relationships.slackChannel,
      teams: relationships.teamsChannel,
    })
    .from(relationships)
    .where(isNull(relationships.retiredAt));
  const byId = new Map(named.map((row) => [row.id, row]));
  const inChannel = memberships.find((membership) => {
    const row = byId.get(membership.relationshipId);
    return channel !== undefined && (row?.slack === channel || row?.teams === channel);
  });
  if (inChannel) return { kind: 'one', ...inChannel };
  return {
    kind: 'several',
    options: memberships.map((membership) => ({
      ...membership,
      name: byId.get(membership.relationshipId)?.name ?? membership.relationshipId,
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
