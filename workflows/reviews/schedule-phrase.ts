/** The small grammar of `/review schedule <when> <title>`: a one-off date or a few kinds of repeat. */

export type ParsedSchedule =
  | {
      ok: true;
      title: string;
      schedule:
        | { kind: 'recurring'; rrule: string; localTime: string }
        | { kind: 'once'; localDate: string; localTime: string };
    }
  | { ok: false; message: string };

export const SCHEDULE_FORMS = [
  "Say when, the time (24-hour, in the relationship's time zone) and the title:",
  '• 2026-12-03 10:00 Quarterly review',
  '• every tuesday 10:00 Weekly sync',
  '• every tuesday and thursday 10:00 Stand-up',
  '• every weekday 09:30 Daily check-in',
  '• every day 09:00 Operations call',
  '• every 2 weeks on thursday 15:30 Service review',
  '• monthly on the 2nd tuesday 10:00 Steering committee (1st to 4th, or last)',
  '• monthly on the 15th 10:00 Invoice review',
].join('\n');

const MAX_TITLE = 150;

/** In week order, as RRULE writes them. */
const days = [
  ['monday', 'MO'],
  ['tuesday', 'TU'],
  ['wednesday', 'WE'],
  ['thursday', 'TH'],
  ['friday', 'FR'],
  ['saturday', 'SA'],
  ['sunday', 'SU'],
] as const;

const ordinals = new Map([
  ['1st', 1],
  ['2nd', 2],
  ['3rd', 3],
  ['4th', 4],
  ['last', -1],
]);

type Recurrence = { rrule: string } | { localDate: string } | { problem: string };

export function parseSchedulePhrase(text: string): ParsedSchedule {
  const phrase = text.trim();
  if (phrase === '') return failure('Say when the meeting is and what it is called.');
  const match = /^(?:(.*?)\s+)?(?:at\s+)?(\d{1,2}):(\d{2})(?=\s|$)(.*)$/is.exec(phrase);
  if (!match)
    return failure('Put the time after when the meeting is, as HH:MM on a 24-hour clock, like 10:00.');
  const [, when = '', hour = '', minute = '', rest = ''] = match;
  if (when === '') return failure('Say when the meeting is before the time, like "every tuesday 10:00".');
  if (Number(hour) > 23 || Number(minute) > 59) {
    return failure(`${hour}:${minute} is not a time: use HH:MM on a 24-hour clock, like 09:30 or 15:00.`);
  }
  const localTime = `${hour.padStart(2, '0')}:${minute}`;

  const recurrence = readWhen(when.toLowerCase().split(/\s+/).join(' '));
  if ('problem' in recurrence) return failure(recurrence.problem);

  const title = rest.trim();
  if (title === '') return failure('Add a title after the time, like "every tuesday 10:00 Weekly sync".');
  const length = [...title].length;
  if (length > MAX_TITLE) return failure(`The title is ${length} characters long: keep it to ${MAX_TITLE}.`);
  return {
    ok: true,
    title,
    schedule:
      'rrule' in recurrence
        ? { kind: 'recurring', rrule: recurrence.rrule, localTime }
        : { kind: 'once', localDate: recurrence.localDate, localTime },
  };
}

function failure(problem: string): ParsedSchedule {
  return { ok: false, message: `${problem}\n\n${SCHEDULE_FORMS}` };
}

/** `when` is lower case with single spaces. */
function readWhen(when: string): Recurrence {
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(when);
  if (date) {
    const [year = 0, month = 0, day = 0] = date.slice(1).map(Number);
    const parsed = new Date(Date.UTC(year, month - 1, day));
    if (parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
      return { problem: `${when} is not a date: write it as YYYY-MM-DD, like 2026-12-03.` };
    }
    return { localDate: parsed.toISOString().slice(0, 10) };
  }
  if (when === 'every day') return { rrule: 'FREQ=DAILY' };
  if (when === 'every weekday') return { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' };

  const everyWeeks = /^every (?:(\d+) )?weeks?(?: (?:on )?(.+))?$/.exec(when);
  if (everyWeeks) {
    const interval = Number(everyWeeks[1] ?? 1);
    if (interval < 1 || interval > 52) {
      return { problem: 'Repeat every 1 to 52 weeks, like "every 2 weeks on thursday".' };
    }
    if (everyWeeks[2] === undefined)
      return { problem: 'Say on which day, like "every 2 weeks on thursday".' };
    const byDay = dayList(everyWeeks[2]);
    if ('problem' in byDay) return byDay;
    return { rrule: `FREQ=WEEKLY${interval > 1 ? `;INTERVAL=${interval}` : ''};BYDAY=${byDay.codes}` };
  }
  const every = /^every (.+)$/.exec(when);
  if (every) {
    const byDay = dayList(every[1] ?? '');
    if ('problem' in byDay) return byDay;
    return { rrule: `FREQ=WEEKLY;BYDAY=${byDay.codes}` };
  }

  const monthlyOn = /^monthly on (?:the )?(.+)$/.exec(when);
  const nthDay = /^(\S+) (\S+)$/.exec(monthlyOn?.[1] ?? '');
  if (nthDay) {
    const [, which = '', name = ''] = nthDay;
    const code = dayCode(name);
    if (code === undefined) return notADay(name);
    const nth = ordinals.get(which);
    if (nth === undefined) return { problem: `Say which ${name} of the month: 1st, 2nd, 3rd, 4th or last.` };
    return { rrule: `FREQ=MONTHLY;BYDAY=${nth}${code}` };
  }
  const monthDay = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(monthlyOn?.[1] ?? '');
  if (monthDay) {
    const day = Number(monthDay[1]);
    // Not every month has a 29th to 31st, and those months would silently have no meeting.
    if (day < 1 || day > 28) return { problem: 'Choose a day of the month from the 1st to the 28th.' };
    return { rrule: `FREQ=MONTHLY;BYMONTHDAY=${day}` };
  }
  return { problem: `Cannot read when the meeting is from "${when}".` };
}

/** `tuesday and thursday`, `mon, wed and fri` -> `TU,TH`, `MO,WE,FR` in week order. */
function dayList(text: string): { codes: string } | { problem: string } {
  const codes = new Set<string>();
  for (const name of text.split(/\s*,\s*(?:and\s+)?|\s+and\s+/)) {
    const code = dayCode(name);
    if (code === undefined) return notADay(name);
    codes.add(code);
  }
  return {
    codes: days
      .map(([, code]) => code)
      .filter((code) => codes.has(code))
      .join(','),
  };
}

function dayCode(name: string): string | undefined {
  return days.find(([full]) => name === full || name === full.slice(0, 3))?.[1];
}

function notADay(name: string): { problem: string } {
  return { problem: `"${name}" is not a day of the week: write monday to sunday, or mon to sun.` };
}
