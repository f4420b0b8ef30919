import type { Executor } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import type { Clock } from '../core/clock';
import { directMessageTo, loadDirectory } from '../core/directory';
import { recentReads } from '../core/recent-reads';
import type { TimerHandler } from '../core/timers';
import type { Work } from '../core/unit-of-work';
import { occurrencesBetween } from './occurrences';
import { liveAgenda } from './review-agenda';
import {
  type DirectoryOf,
  lockOccurrenceAt,
  lockOccurrencesAt,
  type OccurrenceAt,
  occurrenceAtKey,
  type ReviewContext,
  reviewTopic,
} from './review-context';
import { minutesRequest, reminderNotice } from './review-notices';
import { findSeries, scheduleOf } from './review-series';
import { type OccurrenceRef, syncSeries } from './sync-reviews';

export type ReviewLinks = { calendarUrl: (token: string) => string };

const occurrenceAt = (ref: OccurrenceRef): OccurrenceAt => ({ ...ref, startsAt: new Date(ref.startsAt) });
const memoKey = (at: OccurrenceAt) => `review-occurrence:${occurrenceAtKey(at)}`;

/** The occurrence a timer is for, locked: as its batch's `prepare` read it, or read now. */
async function contextFor(
  work: Work,
  ref: OccurrenceRef,
  directoryOf: DirectoryOf = (relationshipId) => loadDirectory(work.tx, relationshipId),
): Promise<ReviewContext | undefined> {
  const at = occurrenceAt(ref);
  const context = await work.memo(memoKey(at), () => lockOccurrenceAt(work.tx, at, directoryOf));
  // A retired series, or an occurrence skipped or cancelled since its timers were set, does nothing.
  if (!context || context.series.retiredAt || context.occurrence.status !== 'scheduled') return undefined;
  // A series whose time changed leaves timers for an occurrence that no longer exists.
  const start = context.occurrence.startsAt;
  const schedule = scheduleOf(context.series, context.directory.relationship.timezone);
  const stillThere = occurrencesBetween(schedule, start, new Date(start.getTime() + 1), 1).length === 1;
  return stillThere ? context : undefined;
}

/**
 * Reminders due within a second of each other share their reads of the directory and the agenda
 * (ten thousand reminders in a minute would otherwise read them ten thousand times).
 */
const SHARED_READ_MS = 1000;

/** A reminder: every attendee gets a DM on their platform with the agenda as it is now. */
export function onReviewReminder(db: Executor, clock: Clock, links: ReviewLinks): TimerHandler {
  const shared = recentReads(SHARED_READ_MS);
  const directoryOf: DirectoryOf = (relationshipId) =>
    shared(`directory:${relationshipId}`, () => loadDirectory(db, relationshipId));
  const remind: TimerHandler = async (timer, work) => {
    const context = await contextFor(work, timer.payload as OccurrenceRef, directoryOf);
    if (!context) return;
    const { occurrence, series, directory } = context;
    const agenda = await shared(`agenda:${series.relationshipId}`, () =>
      liveAgenda(db, series.relationshipId, clock.now()),
    );
    for (const personId of context.attendees) {
      const person = directory.people.get(personId);
      const recipient = person && directMessageTo(person);
      if (!recipient) continue;
      work.queueNoticeAtEnd(
        recipient,
        reminderNotice({
          series,
          occurrence,
          directory,
          personId,
          agenda,
          calendarUrl: links.calendarUrl(occurrence.calendarToken),
        }),
        { relationshipId: series.relationshipId, topic: reviewTopic(occurrence.id) },
      );
    }
    work.auditAtEnd({
      at: clock.now(),
      relationshipId: series.relationshipId,
      actor: 'accord',
      kind: 'review.reminded',
      subject: reviewTopic(occurrence.id),
      data: {
        offsetSeconds: (timer.payload as { offset?: number }).offset ?? null,
        attendees: context.attendees,
      },
    });
  };
  remind.prepare = async (timers, work) => {
    // A timer whose start does not parse is left to its own read, and fails alone.
    const refs = timers
      .map((timer) => occurrenceAt(timer.payload as OccurrenceRef))
      .filter((at) => !Number.isNaN(at.startsAt.getTime()));
    const found = await lockOccurrencesAt(work.tx, refs, directoryOf);
    for (const at of refs) await work.memo(memoKey(at), async () => found.get(occurrenceAtKey(at)));
  };
  return remind;
}

/** A meeting starts: the series rolls forward, so the next occurrence's reminders are set. */
export function onReviewStart(clock: Clock): TimerHandler {
  return async (timer, work) => {
    const ref = timer.payload as OccurrenceRef;
    const context = await loadSeriesOnly(work, ref);
    if (!context) return;
    const after = new Date(Math.max(clock.now().getTime(), new Date(ref.startsAt).getTime() + 1));
    await syncSeries(work, context.series, context.timeZone, after);
  };
}

/** A meeting ends: the organiser is asked for the minutes. */
export function onReviewEnd(clock: Clock): TimerHandler {
  return async (timer, work) => {
    const context = await contextFor(work, timer.payload as OccurrenceRef);
    if (!context?.organiser) return;
    const person = context.directory.people.get(context.organiser);
    const recipient = person && directMessageTo(person);
    if (!recipient) return;
    await work.queueNotice(
      recipient,
      minutesRequest(context.series, context.occurrence, context.directory, context.organiser),
      {
        relationshipId: context.series.relationshipId,
        topic: reviewTopic(context.occurrence.id),
      },
    );
    await work.tx.insert(auditEvents).values({
      at: clock.now(),
      relationshipId: context.series.relationshipId,
      actor: 'accord',
      kind: 'review.minutes_requested',
      subject: reviewTopic(context.occurrence.id),
      data: { organiser: context.organiser },
    });
  };
}

async function loadSeriesOnly(work: Work, ref: OccurrenceRef) {
  const series = await findSeries(work.tx, ref.relationshipId, ref.seriesId);
  const directory = await loadDirectory(work.tx, ref.relationshipId);
  return series && directory ? { series, timeZone: directory.relationship.timezone } : undefined;
}
