import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { roles } from '../../db/schema/directory';
import { reviewSeries } from '../../db/schema/reviews';
import type { RelationshipDirectory } from '../core/directory';
import type { SeriesSchedule } from './occurrences';

export type Series = typeof reviewSeries.$inferSelect;

export async function activeSeries(db: Executor, relationshipId?: string): Promise<Series[]> {
  return db
    .select()
    .from(reviewSeries)
    .where(
      relationshipId
        ? and(eq(reviewSeries.relationshipId, relationshipId), isNull(reviewSeries.retiredAt))
        : isNull(reviewSeries.retiredAt),
    );
}

export async function findSeries(
  db: Executor,
  relationshipId: string,
  seriesId: string,
): Promise<Series | undefined> {
  const [row] = await db
    .select()
    .from(reviewSeries)
    .where(and(eq(reviewSeries.relationshipId, relationshipId), eq(reviewSeries.id, seriesId)));
  return row;
}

export function scheduleOf(series: Series, timeZone: string): SeriesSchedule {
  if (series.startsAt) return { kind: 'once', startsAt: series.startsAt };
  return {
    kind: 'recurring',
    rrule: series.rrule ?? '',
    localTime: series.localTime ?? '00:00',
    timeZone,
    since: series.createdAt,
  };
}

/**
 * Who is invited: the attendees the governance file lists; a series scheduled in chat invites
 * everyone of the relationship.
 */
export async function attendeesOf(
  db: Executor,
  series: Series,
  directory: RelationshipDirectory,
): Promise<string[]> {
  if (series.source === 'chat') return attendeesFrom(series, directory, []);
  const rows = await db
    .select({ personId: roles.personId })
    .from(roles)
    .where(
      and(
        eq(roles.relationshipId, series.relationshipId),
        eq(roles.role, 'attendee'),
        eq(roles.scope, attendeeScope(series)),
        isNull(roles.retiredAt),
      ),
    );
  return attendeesFrom(
    series,
    directory,
    rows.map((row) => row.personId),
  );
}

/** The attendees of a series, given the people its attendee roles name. */
export function attendeesFrom(series: Series, directory: RelationshipDirectory, listed: string[]): string[] {
  if (series.source === 'chat') return [...directory.people.keys()].sort();
  return listed.filter((id) => directory.people.has(id)).sort();
}

const attendeeScope = (series: Pick<Series, 'id'>) => `review:${series.id}`;

/** The organiser asked for minutes: who scheduled it in chat, else the first attendee, else the executive. */
export function organiserOf(
  series: Series,
  attendees: string[],
  directory: RelationshipDirectory,
): string | undefined {
  if (series.scheduledBy && directory.people.has(series.scheduledBy)) return series.scheduledBy;
  return attendees[0] ?? directory.executive;
}

export const timerPrefix = (series: Pick<Series, 'relationshipId' | 'id'>) =>
  `review.${series.relationshipId}.${series.id}.`;
