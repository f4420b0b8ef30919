import { randomBytes } from 'node:crypto';
import { and, eq, gte, inArray } from 'drizzle-orm';
import { relationships } from '../../db/schema/directory';
import { reviewOccurrences, reviewSeries } from '../../db/schema/reviews';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import { occurrencesBetween } from './occurrences';
import { type Series, scheduleOf, timerPrefix } from './review-series';

export const REVIEW_REMINDER = 'review.remind';
export const REVIEW_START = 'review.start';
export const REVIEW_END = 'review.end';

/** How far ahead to look for the next occurrence that is not skipped or cancelled. */
const LOOKAHEAD_MS = 400 * 86_400_000;

export const occurrenceTimerId = (series: Series, startsAt: Date, what: string) =>
  `${timerPrefix(series)}${startsAt.getTime()}.${what}`;
const endTimerId = (series: Series, startsAt: Date) =>
  `review-end.${series.relationshipId}.${series.id}.${startsAt.getTime()}`;

export type OccurrenceRef = { relationshipId: string; seriesId: string; startsAt: string };

/**
 * Makes the timers of one series match its definition: reminders, start and end of its next
 * occurrence that is not skipped or cancelled; every other pending reminder of the series is
 * cancelled (a moved meeting, a removed offset, a retired series). Safe to run any number of times.
 */
export async function syncSeries(
  work: Work,
  series: Series,
  timeZone: string,
  now: Date,
): Promise<Date | undefined> {
  const keep: string[] = [];
  const next = series.retiredAt ? undefined : await nextLiveOccurrence(work, series, timeZone, now);
  if (next) {
    const startsAt = next;
    await ensureOccurrence(work, series, startsAt);
    const payload = {
      relationshipId: series.relationshipId,
      seriesId: series.id,
      startsAt: startsAt.toISOString(),
    };
    for (const offset of series.remindBeforeSeconds) {
      const dueAt = new Date(startsAt.getTime() - offset * 1000);
      const id = occurrenceTimerId(series, startsAt, `remind.${offset}`);
      // A reminder already due but not yet sent (the bot was down a moment) still goes, late;
      // one whose time passed before it was ever scheduled is not invented.
      keep.push(id);
      if (dueAt.getTime() <= now.getTime()) continue;
      await work.scheduleTimer({
        id,
        name: REVIEW_REMINDER,
        dueAt,
        relationshipId: series.relationshipId,
        payload: { ...payload, offset },
        group: timerPrefix(series),
      });
    }
    const startId = occurrenceTimerId(series, startsAt, 'start');
    keep.push(startId);
    await work.scheduleTimer({
      id: startId,
      name: REVIEW_START,
      dueAt: startsAt,
      relationshipId: series.relationshipId,
      payload,
      group: timerPrefix(series),
    });
    await work.scheduleTimer({
      id: endTimerId(series, startsAt),
      name: REVIEW_END,
      dueAt: new Date(startsAt.getTime() + series.durationSeconds * 1000),
      relationshipId: series.relationshipId,
      payload,
    });
  }
  await work.cancelTimersExcept(timerPrefix(series), keep);
  return next;
}

/**
 * Syncs every series (retired ones included, so their timers stop), each in its own short
 * transaction: a long one would hold the timer rows that are about to fire.
 */
export async function syncAllSeries(unitOfWork: UnitOfWork, now: Date): Promise<number> {
  const rows = await unitOfWork((work) =>
    work.tx
      .select({
        series: reviewSeries,
        timeZone: relationships.timezone,
        relationshipRetiredAt: relationships.retiredAt,
      })
      .from(reviewSeries)
      .innerJoin(relationships, eq(relationships.id, reviewSeries.relationshipId)),
  );
  for (const { series, timeZone, relationshipRetiredAt } of rows) {
    const retiredAt = series.retiredAt ?? relationshipRetiredAt;
    await unitOfWork((work) => syncSeries(work, { ...series, retiredAt }, timeZone, now));
  }
  return rows.length;
}

/**
 * A reconcile pass for review series: every series on the first pass, then again only when the
 * governance file was applied since (`revision` moved). Re-deriving ten thousand series every minute
 * would take the machine from the reminders it exists to send. Chat scheduling, skips and cancels
 * sync their own series at once, and a meeting's start rolls its series on.
 */
export function syncSeriesOnChange(revision: () => Promise<number>, now: () => Date) {
  let synced: number | undefined;
  return async (unitOfWork: UnitOfWork): Promise<number> => {
    const current = await revision();
    if (current === synced) return 0;
    const count = await syncAllSeries(unitOfWork, now());
    synced = current;
    return count;
  };
}

async function nextLiveOccurrence(
  work: Work,
  series: Series,
  timeZone: string,
  now: Date,
): Promise<Date | undefined> {
  const candidates = occurrencesBetween(
    scheduleOf(series, timeZone),
    now,
    new Date(now.getTime() + LOOKAHEAD_MS),
    60,
  );
  if (candidates.length === 0) return undefined;
  const marked = await work.tx
    .select({ startsAt: reviewOccurrences.startsAt, status: reviewOccurrences.status })
    .from(reviewOccurrences)
    .where(
      and(
        eq(reviewOccurrences.relationshipId, series.relationshipId),
        eq(reviewOccurrences.seriesId, series.id),
        gte(reviewOccurrences.startsAt, now),
        inArray(reviewOccurrences.status, ['skipped', 'cancelled']),
      ),
    );
  const off = new Set(marked.map((row) => row.startsAt.getTime()));
  return candidates.find((start) => !off.has(start.getTime()));
}

export async function ensureOccurrence(work: Work, series: Series, startsAt: Date) {
  await work.tx
    .insert(reviewOccurrences)
    .values({
      relationshipId: series.relationshipId,
      seriesId: series.id,
      startsAt,
      calendarToken: randomBytes(24).toString('base64url'),
    })
    .onConflictDoNothing();
  const [row] = await work.tx
    .select()
    .from(reviewOccurrences)
    .where(
      and(
        eq(reviewOccurrences.relationshipId, series.relationshipId),
        eq(reviewOccurrences.seriesId, series.id),
        eq(reviewOccurrences.startsAt, startsAt),
      ),
    );
  if (!row) throw new Error('occurrence vanished after insert');
  return row;
}
