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
  return readOccurrence(db, eq(reviewOccurrences.id, occurrenceId), lock, (id) => loadDirectory(db, id));
}

/**
 * The occurrence of a series that starts at `startsAt`, locked. `directoryOf` lets reminders fired
 * together share one read of their relationship's directory.
 */
export function lockOccurrenceAt(
  db: Executor,
  ref: { relationshipId: string; seriesId: string; startsAt: Date },
  directoryOf: DirectoryOf,
) {
  const at = and(
    eq(reviewOccurrences.relationshipId, ref.relationshipId),
    eq(reviewOccurrences.seriesId, ref.seriesId),
    eq(reviewOccurrences.startsAt, ref.startsAt),
  );
  return readOccurrence(db, at, true, directoryOf);
}

/**
 * The occurrence, its series and the people its attendee roles name, in one round trip (a burst of
 * reminders reads one per reminder), then the directory they are resolved against.
 */
async function readOccurrence(
  db: Executor,
  where: SQL | undefined,
  lock: boolean,
  directoryOf: DirectoryOf,
): Promise<ReviewContext | undefined> {
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
    .where(where);
  const [row] = lock ? await query.for('update', { of: reviewOccurrences }) : await query;
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

/** The person of the occurrence's relationship a platform user is, or a refusal. */
export function personIn(context: ReviewContext, identity: PlatformIdentity): string {
  const personId = personOf(context.directory, identity);
  if (personId) return personId;
  throw new DomainError('not_in_directory', `You are not part of ${context.directory.relationship.name}.`);
}

export const reviewTopic = (occurrenceId: number) => `review:${occurrenceId}`;
