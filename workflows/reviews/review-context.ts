import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { reviewOccurrences } from '../../db/schema/reviews';
import {
  loadDirectory,
  type PlatformIdentity,
  personOf,
  type RelationshipDirectory,
} from '../core/directory';
import { DomainError } from '../core/errors';
import { attendeesOf, findSeries, organiserOf, type Series } from './review-series';

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

/**
 * The rest of an occurrence's context. `directoryOf` lets a batch of reminders of one relationship
 * share one read of its directory.
 */
export async function contextOf(
  db: Executor,
  occurrence: Occurrence,
  directoryOf: (relationshipId: string) => Promise<RelationshipDirectory | undefined> = (id) =>
    loadDirectory(db, id),
): Promise<ReviewContext | undefined> {
  const series = await findSeries(db, occurrence.relationshipId, occurrence.seriesId);
  const directory = await directoryOf(occurrence.relationshipId);
  if (!series || !directory) return undefined;
  const attendees = await attendeesOf(db, series, directory);
  return { occurrence, series, directory, attendees, organiser: organiserOf(series, attendees, directory) };
}

/** The person of the occurrence's relationship a platform user is, or a refusal. */
export function personIn(context: ReviewContext, identity: PlatformIdentity): string {
  const personId = personOf(context.directory, identity);
  if (personId) return personId;
  throw new DomainError('not_in_directory', `You are not part of ${context.directory.relationship.name}.`);
}

export const reviewTopic = (occurrenceId: number) => `review:${occurrenceId}`;
