import { TZDate } from '@date-fns/tz';

export const LEVEL_MIN = 1;
export const LEVEL_MAX = 5;
/** Likelihood 5 times impact 5: the score that is told to the escalation executive. */
export const TOP_SCORE = LEVEL_MAX * LEVEL_MAX;

export const LIKELIHOODS = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'] as const;
export const IMPACTS = ['Minimal', 'Minor', 'Moderate', 'Major', 'Severe'] as const;

/** The owner is reminded at this local time on the review date. */
export const REVIEW_REMINDER_TIME = { hour: 9, minute: 0 };

export const riskScore = (risk: { likelihood: number; impact: number }) => risk.likelihood * risk.impact;

/** Whether a change takes a risk to the top score from below it; `before` is undefined for a new risk. */
export const reachesTop = (before: number | undefined, after: number) =>
  after >= TOP_SCORE && (before === undefined || before < TOP_SCORE);

/** A likelihood or impact as typed (`4`, ` 4 `), or undefined when it is not a whole number from 1 to 5. */
export function readLevel(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d$/.test(text)) return undefined;
  const level = Number(text);
  return level >= LEVEL_MIN && level <= LEVEL_MAX ? level : undefined;
}

/** `2026-02-28` is a date; `2026-02-30` and `28/02/2026` are not. */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The calendar date at an instant in a zone, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date): string {
  const local = new TZDate(now.getTime(), timeZone);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** 09:00 on the review date in the owner's zone. */
export function reviewReminderAt(reviewDate: string, timeZone: string): Date {
  const [year = 0, month = 1, day = 1] = reviewDate.split('-').map(Number);
  const { hour, minute } = REVIEW_REMINDER_TIME;
  return new Date(new TZDate(year, month - 1, day, hour, minute, 0, timeZone).getTime());
}

/**
 * When the owner's reminder is due: 09:00 on the review date, or at once when that has passed today
 * (a review date set to today still reminds); undefined for a date already behind the owner.
 */
export function reviewReminderDue(reviewDate: string, timeZone: string, now: Date): Date | undefined {
  if (reviewDate < todayIn(timeZone, now)) return undefined;
  const at = reviewReminderAt(reviewDate, timeZone);
  return at.getTime() > now.getTime() ? at : now;
}
