import { tzOffset } from '@date-fns/tz';
import rrule, { type Options } from 'rrule';
import { isClockTime, isTimeZone } from '../governance/governance-values';

// rrule is CommonJS: Node hands its exports over only as the default export.
const { Frequency, RRule, Weekday } = rrule;

export type SeriesSchedule =
  | {
      kind: 'recurring';
      /** An RFC 5545 RRULE body, like `FREQ=WEEKLY;BYDAY=TU`. */
      rrule: string;
      /** `HH:MM`, wall-clock time in `timeZone`. */
      localTime: string;
      timeZone: string;
      /** The first instant the series may occur at or after: its creation. */
      since: Date;
    }
  | { kind: 'once'; startsAt: Date };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const END_OF_TIME = new Date(8.64e15);

/** Start instants of occurrences with start >= from and start < to, ascending, at most `limit`. */
export function occurrencesBetween(schedule: SeriesSchedule, from: Date, to: Date, limit = 500): Date[] {
  const start = instant(from, 'from');
  const end = instant(to, 'to');
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`limit must be a whole number, got ${limit}`);
  }
  if (schedule.kind === 'once') {
    const at = instant(schedule.startsAt, 'startsAt');
    return at >= start && at < end && limit > 0 ? [new Date(at)] : [];
  }

  const { rule, timeZone, since, until } = compile(schedule, start);
  const found: Date[] = [];
  if (limit === 0 || end <= start) return found;
  rule.all((occurrence) => {
    const wallClock = occurrence.getTime();
    // A wall clock is within a day of its instant, so most occurrences are placed without a zone look-up.
    if (wallClock > Math.min(end, until) + DAY) return false;
    if (wallClock < start - DAY) return true;
    const at = instantAt(wallClock, timeZone);
    if (at >= end || at > until) return false;
    if (at >= start && at >= since) found.push(new Date(at));
    return found.length < limit;
  });
  return found;
}

/** The first occurrence starting at or after `after`, or undefined when the series has no more. */
export function nextOccurrence(schedule: SeriesSchedule, after: Date): Date | undefined {
  return occurrencesBetween(schedule, after, END_OF_TIME, 1)[0];
}

/** Validates an RRULE body (no DTSTART line) for use here; a message a person can act on, or undefined. */
export function checkRecurrenceRule(text: string): string | undefined {
  try {
    readRule(text);
    return undefined;
  } catch (error) {
    if (error instanceof RuleProblem) return error.message;
    throw error;
  }
}

class RuleProblem extends Error {}

type Until = { instant: number } | { wallClock: number };

type Rule = {
  options: Partial<Options> & Pick<Options, 'freq' | 'interval'>;
  until?: Until;
};

const frequencies = new Map([
  ['DAILY', Frequency.DAILY],
  ['WEEKLY', Frequency.WEEKLY],
  ['MONTHLY', Frequency.MONTHLY],
  ['YEARLY', Frequency.YEARLY],
]);

/** In rrule's order: 0 is Monday. */
const dayCodes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

const EXAMPLE = 'like FREQ=WEEKLY;BYDAY=TU';

const supportedParts = [
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYDAY',
  'BYMONTHDAY',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
];

function readRule(text: string): Rule {
  const body = text.trim().toUpperCase();
  if (body === '') throw new RuleProblem(`is empty: write a rule ${EXAMPLE}`);
  if (/^(RRULE|DTSTART|EXDATE|RDATE)[:;]|\n/.test(body)) {
    throw new RuleProblem(
      `write the rule alone, ${EXAMPLE}: no RRULE: prefix and no DTSTART (the series starts when it is created, at its local time)`,
    );
  }

  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    if (part === '') throw new RuleProblem('has an empty part: remove the extra ";"');
    const match = /^([A-Z]+)=(\S+)$/.exec(part);
    if (!match) throw new RuleProblem(`"${part}" is not a KEY=VALUE part: write a rule ${EXAMPLE}`);
    const [, key = '', value = ''] = match;
    if (parts.has(key)) throw new RuleProblem(`${key} appears twice`);
    parts.set(key, value);
  }
  for (const key of parts.keys()) {
    if (['BYHOUR', 'BYMINUTE', 'BYSECOND'].includes(key)) {
      throw new RuleProblem(
        `${key} is not supported: the time of day is the series' local time, not part of the rule`,
      );
    }
    if (!supportedParts.includes(key)) {
      throw new RuleProblem(`${key} is not supported: use ${supportedParts.join(', ')}`);
    }
  }

  const frequency = parts.get('FREQ');
  if (frequency === undefined) {
    throw new RuleProblem(`needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, ${EXAMPLE}`);
  }
  const freq = frequencies.get(frequency);
  if (freq === undefined) {
    throw new RuleProblem(
      `FREQ=${frequency} is not supported: a review meets at most once a day, so use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY`,
    );
  }
  const rule: Rule = {
    options: {
      freq,
      interval: wholeNumber(parts, 'INTERVAL', 1, 1000) ?? 1,
      count: wholeNumber(parts, 'COUNT', 1, Number.MAX_SAFE_INTEGER) ?? null,
      byweekday: weekdays(parts.get('BYDAY'), frequency),
      bymonthday: numbers(parts, 'BYMONTHDAY', 31),
      bymonth: numbers(parts, 'BYMONTH', 12, false),
      bysetpos: numbers(parts, 'BYSETPOS', 366),
      wkst: parts.has('WKST') ? dayNumber(parts.get('WKST') ?? '', 'WKST') : null,
    },
  };
  const until = parts.get('UNTIL');
  if (until !== undefined) rule.until = untilOf(until);
  checkCombination(rule, frequency);
  return rule;
}

function wholeNumber(parts: Map<string, string>, key: string, min: number, max: number): number | undefined {
  const value = parts.get(key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new RuleProblem(
      `${key}=${value} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`,
    );
  }
  return number;
}

/** A comma list of numbers from 1 to `max`, or from -max to -1 counting from the end when allowed. */
function numbers(parts: Map<string, string>, key: string, max: number, fromEnd = true): number[] | null {
  const value = parts.get(key);
  if (value === undefined) return null;
  return value.split(',').map((item) => {
    const number = Number(item);
    if (!/^[+-]?\d+$/.test(item) || number === 0 || Math.abs(number) > max || (!fromEnd && number < 0)) {
      throw new RuleProblem(
        `${key}=${value} must list numbers from 1 to ${max}${fromEnd ? ` (or -1 to -${max}, counting from the end)` : ''}`,
      );
    }
    return number;
  });
}

function dayNumber(code: string, key: string): number {
  const day = dayCodes.indexOf(code);
  if (day < 0) throw new RuleProblem(`${key}: "${code}" is not a day: use ${dayCodes.join(', ')}`);
  return day;
}

function weekdays(value: string | undefined, frequency: string): Options['byweekday'] {
  if (value === undefined) return null;
  const maxNth = frequency === 'MONTHLY' ? 5 : 53;
  return value.split(',').map((item) => {
    const match = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
    if (!match) {
      throw new RuleProblem(
        `BYDAY: "${item}" is not a day: use MO to SU, numbered in a month or year like 2TU or -1FR`,
      );
    }
    const day = dayNumber(match[2] ?? '', 'BYDAY');
    if (match[1] === undefined) return new Weekday(day);
    const nth = Number(match[1]);
    if (frequency !== 'MONTHLY' && frequency !== 'YEARLY') {
      throw new RuleProblem(
        `BYDAY=${item} counts days within a month or year, so it needs FREQ=MONTHLY or YEARLY`,
      );
    }
    if (nth === 0 || Math.abs(nth) > maxNth) {
      throw new RuleProblem(
        `BYDAY=${item}: count from 1 to ${maxNth} (or -1 to -${maxNth} from the end) of that day in the ${frequency === 'MONTHLY' ? 'month' : 'year'}`,
      );
    }
    return new Weekday(day, nth);
  });
}

/** UNTIL with Z is an instant; without, local time in the series' zone; a date alone includes that day. */
function untilOf(value: string): Until {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = (match ?? [])
    .slice(1, 7)
    .map((field) => Number(field ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    !match ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new RuleProblem(`UNTIL=${value} must be a date like 20271231, or an instant like 20271231T170000Z`);
  }
  const wallClock =
    match[4] === undefined
      ? Date.UTC(year, month - 1, day + 1) - 1
      : Date.UTC(year, month - 1, day, hour, minute, second);
  return match[7] === 'Z' ? { instant: wallClock } : { wallClock };
}

function checkCombination(rule: Rule, frequency: string): void {
  const { options } = rule;
  if (options.count !== null && rule.until !== undefined) {
    throw new RuleProblem('use COUNT or UNTIL, not both');
  }
  if (frequency === 'WEEKLY' && options.bymonthday) {
    throw new RuleProblem('BYMONTHDAY does not combine with FREQ=WEEKLY: use FREQ=MONTHLY');
  }
  if (options.bysetpos && !options.byweekday && !options.bymonthday && !options.bymonth) {
    throw new RuleProblem(
      'BYSETPOS picks among the days BYDAY, BYMONTHDAY or BYMONTH select, so it needs one of them',
    );
  }
  // Without these the day would come from the moment the series was created, which nobody chose.
  if (frequency === 'WEEKLY' && !options.byweekday) {
    throw new RuleProblem('FREQ=WEEKLY needs BYDAY, the days of the week, like BYDAY=TU or BYDAY=MO,TH');
  }
  if ((frequency === 'MONTHLY' || frequency === 'YEARLY') && !options.byweekday && !options.bymonthday) {
    throw new RuleProblem(
      `FREQ=${frequency} needs BYMONTHDAY (like BYMONTHDAY=15) or BYDAY (like BYDAY=2TU) to say which day`,
    );
  }
  // Both would make which days are reached depend on the day the series was created.
  if (frequency === 'DAILY' && options.interval % 7 === 0 && options.byweekday) {
    throw new RuleProblem(
      `FREQ=DAILY;INTERVAL=${options.interval} always lands on the same day of the week: use FREQ=WEEKLY;INTERVAL=${options.interval / 7} with BYDAY`,
    );
  }
  if (frequency === 'MONTHLY' && options.interval > 1 && options.bymonth) {
    throw new RuleProblem(`BYMONTH already picks the months: drop INTERVAL=${options.interval} or BYMONTH`);
  }
  // rrule only gives up on a rule no date matches at year 9999, so the search starts 30 years before.
  const probeStart = new Date(Date.UTC(9970, 0, 1));
  const probe = new RRule({ ...options, interval: 1, count: null, dtstart: probeStart }, true);
  if (probe.after(probeStart, true) === null) {
    throw new RuleProblem(
      'never happens: no date matches all of its BYDAY, BYMONTHDAY, BYMONTH and BYSETPOS',
    );
  }
}

type Compiled = { rule: InstanceType<typeof RRule>; timeZone: string; since: number; until: number };

/** The series' rule, started as late as still gives every occurrence from `start` on. */
function compile(schedule: Extract<SeriesSchedule, { kind: 'recurring' }>, start: number): Compiled {
  const { timeZone, localTime } = schedule;
  if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}" for a review series`);
  if (!isClockTime(localTime)) {
    throw new RangeError(`a review series' local time must be "HH:MM", got "${localTime}"`);
  }
  let parsed: Rule;
  try {
    parsed = readRule(schedule.rrule);
  } catch (error) {
    if (error instanceof RuleProblem) {
      throw new RangeError(`review series rule "${schedule.rrule}": ${error.message}`);
    }
    throw error;
  }
  const since = instant(schedule.since, 'since');
  const [hour = 0, minute = 0] = localTime.split(':').map(Number);
  // Computed in floating time: a Date whose UTC fields are the wall clock, since rrule's own time
  // zone support depends on the host's zone. Whole seconds, as rrule copies dtstart's milliseconds
  // into every occurrence; rounded up so an occurrence before `since` is not counted by COUNT.
  const created = new Date(Math.ceil(wallClockAt(since, timeZone) / SECOND) * SECOND);
  const options = { ...parsed.options, byhour: hour, byminute: minute, bysecond: 0 };
  // As in a calendar, the series starts at its first meeting, so INTERVAL counts from that meeting's
  // week or month rather than from the creation date's.
  const firstDay = new RRule({ ...options, interval: 1, count: null, dtstart: created }, true);
  const first = firstDay.after(created, true) ?? created;
  // COUNT counts from the first meeting, so only a rule without it can skip ahead. A wall clock is
  // within a day of its instant, so starting a day early misses nothing from `start` on.
  const dtstart = options.count === null ? resumeAt(first, options, start - DAY) : first;
  const rule = new RRule({ ...options, dtstart }, true);
  const until =
    parsed.until === undefined
      ? Number.POSITIVE_INFINITY
      : 'instant' in parsed.until
        ? parsed.until.instant
        : instantAt(parsed.until.wallClock, timeZone);
  return { rule, timeZone, since, until };
}

/**
 * The latest date not after `notAfter` (and not before `first`) in a period the rule meets in:
 * a whole number of INTERVALs of days, weeks, months or years after the period of `first`. With
 * no BY part taken from dtstart, the rule started there has the same occurrences from there on.
 */
function resumeAt(first: Date, options: Rule['options'], notAfter: number): Date {
  const { freq, interval } = options;
  if (freq === Frequency.DAILY || freq === Frequency.WEEKLY) {
    const step = interval * (freq === Frequency.DAILY ? DAY : 7 * DAY);
    return new Date(first.getTime() + Math.max(0, Math.floor((notAfter - first.getTime()) / step)) * step);
  }
  const step = interval * (freq === Frequency.MONTHLY ? 1 : 12);
  const until = new Date(notAfter);
  const months =
    (until.getUTCFullYear() - first.getUTCFullYear()) * 12 + until.getUTCMonth() - first.getUTCMonth();
  const periods = Math.floor(months / step);
  return periods > 0
    ? new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + periods * step, 1))
    : first;
}

/** The instant a local date and time (`2026-12-03`, `10:00`) names in the zone, by the rules below. */
export function localTimeToInstant(localDate: string, localTime: string, timeZone: string): Date {
  const [year = 0, month = 1, day = 1] = localDate.split('-').map(Number);
  const [hour = 0, minute = 0] = localTime.split(':').map(Number);
  return new Date(instantAt(Date.UTC(year, month - 1, day, hour, minute), timeZone));
}

function instant(date: Date, name: string): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`${name} must be a valid date, got an invalid Date`);
  return time;
}

function offsetAt(time: number, timeZone: string): number {
  return tzOffset(timeZone, new Date(time)) * MINUTE;
}

/** The wall clock in the zone at an instant, as epoch milliseconds whose UTC fields read it. */
function wallClockAt(time: number, timeZone: string): number {
  return time + offsetAt(time, timeZone);
}

/**
 * The instant a wall-clock time names in the zone. A time skipped by a spring-forward moves forward
 * by the gap (01:30 becomes 02:30 summer time); a time a fall-back repeats is the earlier one.
 */
function instantAt(wallClock: number, timeZone: string): number {
  const offsetBefore = offsetAt(wallClock - DAY, timeZone);
  const offsetAfter = offsetAt(wallClock + DAY, timeZone);
  const early = wallClock - offsetBefore;
  if (offsetBefore === offsetAfter || offsetAt(early, timeZone) === offsetBefore) return early;
  const late = wallClock - offsetAfter;
  // Neither reading holds inside a gap; the offset from before it lands past the change.
  return offsetAt(late, timeZone) === offsetAfter ? late : early;
}
