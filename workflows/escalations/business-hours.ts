import { tzOffset } from '@date-fns/tz';
import type { BusinessHours } from '../../db/schema/directory';
import { isClockTime, isTimeZone } from '../governance/governance-values';

export type SlaClockOptions = { timeZone: string; businessHours?: BusinessHours | null };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
// Larger than any UTC offset a zone has ever used, so it brackets every instant of a local day.
const MAX_OFFSET = 18 * 60 * MINUTE;

/** Business hours ready for arithmetic: `from` and `to` in milliseconds after local midnight. */
type DailyHours = { timeZone: string; days: ReadonlySet<number>; from: number; to: number };

/** Half-open `[start, end)` in epoch milliseconds. */
type Interval = { start: number; end: number };

/** The instant `seconds` of SLA time after `start`. Without business hours, plain elapsed time. */
export function slaDueAt(start: Date, seconds: number, options: SlaClockOptions): Date {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`an SLA must be a finite number of seconds of at least 0, got ${seconds}`);
  }
  const from = instantOf(start);
  if (!options.businessHours) return new Date(from + seconds * 1000);

  const hours = dailyHours(options.businessHours, options.timeZone);
  let remaining = seconds * 1000;
  // A day earlier because a fall-back across midnight can repeat the previous local date after `start`.
  for (let day = localDay(from, hours.timeZone) - DAY; ; day += DAY) {
    for (const interval of openIntervals(day, hours)) {
      const counting = Math.max(interval.start, from);
      if (interval.end <= counting) continue;
      if (remaining <= interval.end - counting) return new Date(counting + remaining);
      remaining -= interval.end - counting;
    }
  }
}

/** Seconds of SLA time between two instants (0 if end <= start); the inverse of `slaDueAt`. */
export function slaSecondsBetween(start: Date, end: Date, options: SlaClockOptions): number {
  const from = instantOf(start);
  const to = instantOf(end);
  if (to <= from) return 0;
  if (!options.businessHours) return (to - from) / 1000;

  const hours = dailyHours(options.businessHours, options.timeZone);
  const lastDay = localDay(to, hours.timeZone) + DAY;
  let counted = 0;
  for (let day = localDay(from, hours.timeZone) - DAY; day <= lastDay; day += DAY) {
    for (const interval of openIntervals(day, hours)) {
      counted += Math.max(0, Math.min(interval.end, to) - Math.max(interval.start, from));
    }
  }
  return counted / 1000;
}

function instantOf(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('the SLA clock needs a valid date, got an invalid Date');
  return time;
}

function dailyHours(hours: BusinessHours, timeZone: string): DailyHours {
  // Each of these would leave the clock with no open time at all, and slaDueAt would search forever.
  if (hours.days.length === 0) {
    throw new Error('business hours list no days: the SLA clock would never run');
  }
  const invalidDay = hours.days.find((day) => !Number.isInteger(day) || day < 0 || day > 6);
  if (invalidDay !== undefined) {
    throw new Error(
      `business hours day ${invalidDay} is not a week day number from 0 (Sunday) to 6 (Saturday)`,
    );
  }
  if (!isClockTime(hours.from) || !isClockTime(hours.to) || hours.from >= hours.to) {
    throw new Error(`business hours ${hours.from}-${hours.to} must be "HH:MM"-"HH:MM" with from before to`);
  }
  if (!isTimeZone(timeZone)) throw new Error(`unknown time zone "${timeZone}" for business hours`);
  return { timeZone, days: new Set(hours.days), from: clockTime(hours.from), to: clockTime(hours.to) };
}

function clockTime(text: string): number {
  const [hour = 0, minute = 0] = text.split(':').map(Number);
  return (hour * 60 + minute) * MINUTE;
}

function offsetAt(time: number, timeZone: string): number {
  return tzOffset(timeZone, new Date(time)) * MINUTE;
}

/** The local calendar date of an instant, as the epoch milliseconds of that date's midnight in UTC. */
function localDay(time: number, timeZone: string): number {
  return Math.floor((time + offsetAt(time, timeZone)) / DAY) * DAY;
}

/**
 * The real instants on local date `day` whose wall-clock time lies within the business hours: one
 * interval, none inside a spring-forward gap, or two when a fall-back repeats part of the window.
 */
function openIntervals(day: number, hours: DailyHours): Interval[] {
  if (!hours.days.has(new Date(day).getUTCDay())) return [];
  const wallOpen = day + hours.from;
  const wallClose = day + hours.to;
  const first = wallOpen - MAX_OFFSET;
  const last = wallClose + MAX_OFFSET;
  const offsetBefore = offsetAt(first, hours.timeZone);
  const offsetAfter = offsetAt(last, hours.timeZone);
  if (offsetBefore === offsetAfter) {
    return [{ start: wallOpen - offsetBefore, end: wallClose - offsetBefore }];
  }

  // Zones change offset at most once within a couple of days, so one transition splits the span in two.
  const change = offsetChange(first, last, offsetBefore, hours.timeZone);
  return [
    { start: wallOpen - offsetBefore, end: Math.min(wallClose - offsetBefore, change) },
    { start: Math.max(wallOpen - offsetAfter, change), end: wallClose - offsetAfter },
  ].filter((interval) => interval.start < interval.end);
}

/** The first millisecond after `before` with a new offset, by bisection: under 30 look-ups, only near a change. */
function offsetChange(before: number, after: number, offsetBefore: number, timeZone: string): number {
  let low = before;
  let high = after;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle, timeZone) === offsetBefore) low = middle;
    else high = middle;
  }
  return high;
}
