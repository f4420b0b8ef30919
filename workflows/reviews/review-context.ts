import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { reviewOccurrences, reviewSeries } from '../../db/schema/reviews';
import {
  loadDirectory,
  type PlatformIdentity,
  personOf,
  type RelationshipDirectory,
} from '../core/directory';
import { DomainError } from '../core/errors';
import { attendeesFrom, organiserOf, type Series } from './review-series';

export type Occurrence = typeof reviewOccurrences.$inferSelect;

export type ReviewContext = {
  occurrence: Occurrence;
  series: Series;
  directory: RelationshipDirectory;
  attendees: string[];
  organiser: string | undefined;
};

export type DirectoryOf = (relationshipId: string) => Promise<RelationshipDirectory | undefined>;

/** An occurrence with everything needed to act on it; undefined when any part of it is gone. */
export function loadOccurrence(db: Executor, occurrenceId: number, lock = false) {
  return readOccurrence(
    db,
    {
      name: 'review_occurrence',
      where: eq(reviewOccurrences.id, sql.placeholder('id')),
      values: { id: occurrenceId },
    },
    lock,
    (id) => loadDirectory(db, id),
  );
}

/**
 * The occurrence of a series that starts at `startsAt`, locked. `directoryOf` lets reminders fired
 * together share one read of their relationship's directory.
 */
export async function lockOccurrenceAt(db: Executor, ref: OccurrenceAt, directoryOf: DirectoryOf) {
  return (await lockOccurrencesAt(db, [ref], directoryOf)).get(occurrenceAtKey(ref));
}

/** Which occurrence to read, as a prepared statement: a burst of reminders reads one each. */
type OccurrenceWhere = { name: string; where: SQL | undefined; values: Record<string, unknown> };

/**
 * The occurrences `where` names, each with its series and the people its attendee roles name, in
 * one round trip; locked (in id order, so two lockers never wait on each other) when asked.
 */
function occurrenceRows(db: Executor, { name, where, values }: OccurrenceWhere, lock: boolean) {
  const query = db
    .select({
      occurrence: reviewOccurrences,
      series: reviewSeries,
      // Written out qualified: drizzle leaves columns bare inside sql, where the subquery would read its own.
      listed: sql<
        string[]
      >`coalesce((select array_agg(r.person_id) from roles r where r.relationship_id = review_series.relationship_id and r.role = 'attendee' and r.scope = 'review:' || review_series.id and r.retired_at is null), '{}')`,
    })
    .from(reviewOccurrences)
    .innerJoin(
      reviewSeries,
      and(
        eq(reviewSeries.relationshipId, reviewOccurrences.relationshipId),
        eq(reviewSeries.id, reviewOccurrences.seriesId),
      ),
    )
    .where(where)
    .orderBy(reviewOccurrences.id);
  return lock
    ? query.for('update', { of: reviewOccurrences }).prepare(`${name}_locked`).execute(values)
    : query.prepare(name).execute(values);
}

type OccurrenceRow = Awaited<ReturnType<typeof occurrenceRows>>[number];

/** The occurrence read, then the directory its attendees are resolved against. */
async function contextOf(row: OccurrenceRow | undefined, directoryOf: DirectoryOf) {
  const directory = row && (await directoryOf(row.occurrence.relationshipId));
  if (!row || !directory) return undefined;
  const attendees = attendeesFrom(row.series, directory, row.listed);
  return {
    occurrence: row.occurrence,
    series: row.series,
    directory,
    attendees,
    organiser: organiserOf(row.series, attendees, directory),
  };
}

async function readOccurrence(
  db: Executor,
  where: OccurrenceWhere,
  lock: boolean,
  directoryOf: DirectoryOf,
): Promise<ReviewContext | undefined> {
  const [row] = await occurrenceRows(db, where, lock);
  return contextOf(row, directoryOf);
}

export type OccurrenceAt = { relationshipId: string; seriesId: string; startsAt: Date };

/** How `lockOccurrencesAt` keys what it found. */
export const occurrenceAtKey = (at: OccurrenceAt) =>
  `${at.relationshipId}/${at.seriesId}/${at.startsAt.toISOString()}`;

/**
 * Several occurrences by series and start, locked, in one statement (the reminders of a batch):
 * keyed by `occurrenceAtKey`; one that is gone has no entry.
 */
export async function lockOccurrencesAt(
  db: Executor,
  refs: OccurrenceAt[],
  directoryOf: DirectoryOf,
): Promise<Map<string, ReviewContext>> {
  const where = sql`(${reviewOccurrences.relationshipId}, ${reviewOccurrences.seriesId}, ${reviewOccurrences.startsAt})
    IN (SELECT * FROM unnest(${sql.placeholder('relationshipIds')}::text[], ${sql.placeholder('seriesIds')}::text[],
      ${sql.placeholder('startsAts')}::timestamptz[]))`;
  const rows = await occurrenceRows(
    db,
    {
      name: 'review_occurrences_at',
      where,
      values: {
        relationshipIds: refs.map((ref) => ref.relationshipId),
        seriesIds: refs.map((ref) => ref.seriesId),
        startsAts: refs.map((ref) => ref.startsAt.toISOString()),
      },
    },
    true,
  );
  const found = new Map<string, ReviewContext>();
  for (const row of rows) {
    const context = await contextOf(row, directoryOf);
    if (context) found.set(occurrenceAtKey(row.occurrence), context);
  }
  return found;
}

/** The person of the occurrence's relationship a platform user is, or a refusal. */
export function personIn(context: ReviewContext, identity: PlatformIdentity): string {
  const personId = personOf(context.directory, identity);
  if (personId) return personId;
  throw new DomainError('not_in_directory', `You are not part of ${context.directory.relationship.name}.`);
}

export const reviewTopic = (occurrenceId: number) => `review:${occurrenceId}`;

/** Prepares the reminders' occurrence read on the connection `tx` holds: it locks nothing. */
export const warmOccurrenceReads = (tx: Executor) => lockOccurrencesAt(tx, [], async () => undefined);
