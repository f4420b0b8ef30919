import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { reviewOccurrences, reviewSeries } from '../../db/schema/reviews';
import {
  loadDirectory,
  type PlatformIdentity,
  personOf,
  type RelationshipDirectory,
} from '../core/directory';
import { DomainError } from '../core/errors';
import { attendeesFrom, attendeesOf, findSeries, organiserOf, type Series } from './review-series';

export type Occurrence = typeof reviewOccurrences.$inferSelect;

export type ReviewContext = {
  occurrence: Occurrence;
  series: Series;
  directory: RelationshipDirectory;
  attendees: string[];
  organiser: string | undefined;
};

/** An occurrence with everything needed to act on it; undefined when any part of it is gone. */
export async function loadOccurrence(
  db: Executor,
  occurrenceId: number,
  lock = false,
): Promise<ReviewContext | undefined> {
  const query = db.select().from(reviewOccurrences).where(eq(reviewOccurrences.id, occurrenceId));
  const [occurrence] = lock ? await query.for('update') : await query;
  return occurrence && contextOf(db, occurrence);
}

/** The rest of an occurrence's context. */
export async function contextOf(db: Executor, occurrence: Occurrence): Promise<ReviewContext | undefined> {
  const series = await findSeries(db, occurrence.relationshipId, occurrence.seriesId);
  const directory = await loadDirectory(db, occurrence.relationshipId);
  if (!series || !directory) return undefined;
  const attendees = await attendeesOf(db, series, directory);
  return { occurrence, series, directory, attendees, organiser: organiserOf(series, attendees, directory) };
}

/**
 * The occurrence that starts at `startsAt`, locked, with its series and the people its attendee
 * roles name read in the same round trip: a burst of reminders reads this once per reminder.
 * `directoryOf` lets the reminders of one batch share one read of their relationship's directory.
 */
export async function lockOccurrenceAt(
  db: Executor,
  ref: { relationshipId: string; seriesId: string; startsAt: Date },
  directoryOf: (relationshipId: string) => Promise<RelationshipDirectory | undefined>,
): Promise<ReviewContext | undefined> {
  const [row] = await db
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
    .where(
      and(
        eq(reviewOccurrences.relationshipId, ref.relationshipId),
        eq(reviewOccurrences.seriesId, ref.seriesId),
        eq(reviewOccurrences.startsAt, ref.startsAt),
      ),
    )
    .for('update', { of: reviewOccurrences });
  const directory = row && (await directoryOf(ref.relationshipId));
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
