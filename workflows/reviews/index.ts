import type { Executor } from '../../db/client';
import type { Clock } from '../core/clock';
import type { TimerHandler } from '../core/timers';
import { onReviewEnd, onReviewReminder, onReviewStart, type ReviewLinks } from './on-review-timers';
import { REVIEW_END, REVIEW_REMINDER, REVIEW_START } from './sync-reviews';

export type { ReviewLinks } from './on-review-timers';
export { loadOccurrence, warmOccurrenceReads } from './review-context';
export { ITEM_TITLE_MAX, TEXT_MAX } from './review-input';
export { addAgendaItem, ReviewInputError, recordMinutes } from './review-issues';
export { REVIEW_ACTIONS } from './review-notices';
export { meetingAwaitingMinutes, nextAgenda, nextReviews } from './review-queries';
export { recordRsvp } from './rsvp';
export { parseSchedulePhrase, SCHEDULE_FORMS } from './schedule-phrase';
export { type ChatSchedule, callOffNext, scheduleReview } from './schedule-review';
export { syncAllSeries, syncSeriesOnChange } from './sync-reviews';

/** The timers the worker registers for review meetings; `db` serves reads shared between reminders. */
export function reviewJobs(db: Executor, clock: Clock, links: ReviewLinks): [string, TimerHandler][] {
  return [
    [REVIEW_REMINDER, onReviewReminder(db, clock, links)],
    [REVIEW_START, onReviewStart(clock)],
    [REVIEW_END, onReviewEnd(clock)],
  ];
}
