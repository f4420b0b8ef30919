/** The small value types of the governance file: durations, week days, clock times, time zones. */

const secondsPerUnit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
type DurationUnit = keyof typeof secondsPerUnit;

/** `"4h"` -> 14400, or undefined when it is not a positive number and one of the units s m h d w. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * secondsPerUnit[match[2] as DurationUnit];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** The largest unit that divides evenly, so 3600 reads `1h` whether the file said `60m` or `1h`. */
export function formatDuration(seconds: number): string {
  const units = Object.entries(secondsPerUnit).reverse() as [DurationUnit, number][];
  for (const [unit, size] of units) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Index is the JavaScript (and date-fns `getDay`) day number: 0 is Sunday. */
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function dayNumber(name: string): number | undefined {
  const index = dayNames.indexOf(name.trim().toLowerCase() as (typeof dayNames)[number]);
  return index < 0 ? undefined : index;
}

/**
 * `"mon-fri"`, `"mon,wed,fri"` or a mix (`"sun-thu,sat"`) -> sorted day numbers, 0 = Sunday.
 * A range may wrap over the weekend (`"fri-mon"`).
 */
export function parseDays(text: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [first, last, extra] = part.split('-');
    if (first === undefined || extra !== undefined) return undefined;
    const from = dayNumber(first);
    const to = last === undefined ? from : dayNumber(last);
    if (from === undefined || to === undefined) return undefined;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** Monday-first and compact: [1,2,3,4,5] -> `mon-fri`, [0,6] -> `sat-sun`. */
export function formatDays(days: readonly number[]): string {
  const mondayFirst = [...new Set(days)].map((day) => (day + 6) % 7).sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const day of mondayFirst) {
    const run = runs.at(-1);
    if (run && run[1] === day - 1) run[1] = day;
    else runs.push([day, day]);
  }
  const name = (mondayIndex: number) => dayNames[(mondayIndex + 1) % 7];
  return runs
    .map(([from, to]) =>
      from === to ? name(from) : to === from + 1 ? `${name(from)},${name(to)}` : `${name(from)}-${name(to)}`,
    )
    .join(',');
}

/** `"HH:MM"` on a 24-hour clock. */
export function isClockTime(text: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(text);
}

/** An IANA zone name the runtime knows (`Europe/London`, `UTC`); offsets like `+01:00` are not zones. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
