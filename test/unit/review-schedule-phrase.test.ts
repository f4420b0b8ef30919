import { describe, expect, it } from 'vitest';
import { checkRecurrenceRule } from '../../workflows/reviews/occurrences';
import {
  type ParsedSchedule,
  parseSchedulePhrase,
  SCHEDULE_FORMS,
} from '../../workflows/reviews/schedule-phrase';

const recurring = (rrule: string, localTime: string, title: string): ParsedSchedule => ({
  ok: true,
  title,
  schedule: { kind: 'recurring', rrule, localTime },
});

const problemOf = (text: string) => {
  const parsed = parseSchedulePhrase(text);
  if (parsed.ok) throw new Error(`"${text}" was accepted`);
  expect(parsed.message.endsWith(`\n\n${SCHEDULE_FORMS}`)).toBe(true);
  return parsed.message.slice(0, -SCHEDULE_FORMS.length).trim();
};

const recurringForms: [string, string, string, string][] = [
  ['every tuesday 10:00 Weekly sync', 'FREQ=WEEKLY;BYDAY=TU', '10:00', 'Weekly sync'],
  ['every tuesday and thursday 10:00 Stand-up', 'FREQ=WEEKLY;BYDAY=TU,TH', '10:00', 'Stand-up'],
  ['every weekday 09:30 Daily check-in', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '09:30', 'Daily check-in'],
  ['every day 09:00 Operations call', 'FREQ=DAILY', '09:00', 'Operations call'],
  [
    'every 2 weeks on thursday 15:30 Service review',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH',
    '15:30',
    'Service review',
  ],
  [
    'monthly on the 2nd tuesday 10:00 Steering committee',
    'FREQ=MONTHLY;BYDAY=2TU',
    '10:00',
    'Steering committee',
  ],
  ['monthly on the 1st monday 08:00 Kick-off', 'FREQ=MONTHLY;BYDAY=1MO', '08:00', 'Kick-off'],
  ['monthly on the 4th friday 16:00 Retro', 'FREQ=MONTHLY;BYDAY=4FR', '16:00', 'Retro'],
  ['monthly on the last friday 16:00 Month end', 'FREQ=MONTHLY;BYDAY=-1FR', '16:00', 'Month end'],
  ['monthly on the 15th 10:00 Invoice review', 'FREQ=MONTHLY;BYMONTHDAY=15', '10:00', 'Invoice review'],
  ['monthly on the 1st 10:00 Invoices', 'FREQ=MONTHLY;BYMONTHDAY=1', '10:00', 'Invoices'],
];

describe('parseSchedulePhrase: the documented forms', () => {
  it('reads a one-off date and time', () => {
    expect(parseSchedulePhrase('2026-12-03 10:00 Weekly sync')).toEqual({
      ok: true,
      title: 'Weekly sync',
      schedule: { kind: 'once', localDate: '2026-12-03', localTime: '10:00' },
    });
  });

  it.each(recurringForms)('reads "%s"', (text, rrule, localTime, title) => {
    expect(parseSchedulePhrase(text)).toEqual(recurring(rrule, localTime, title));
  });

  it('produces only rules the occurrences module accepts', () => {
    const extra = [
      'every mon, wed and fri 10:00 x',
      'every sunday and saturday 10:00 x',
      'every 52 weeks on sun 10:00 x',
    ];
    for (const text of [...recurringForms.map(([phrase]) => phrase), ...extra]) {
      const parsed = parseSchedulePhrase(text);
      if (!parsed.ok || parsed.schedule.kind !== 'recurring')
        throw new Error(`"${text}" was not read as recurring`);
      expect(checkRecurrenceRule(parsed.schedule.rrule), text).toBeUndefined();
    }
  });

  it('accepts every example SCHEDULE_FORMS shows', () => {
    const examples = SCHEDULE_FORMS.split('\n').filter((line) => line.startsWith('• '));
    expect(examples).toHaveLength(8);
    for (const example of examples) {
      expect(parseSchedulePhrase(example.slice(2)), example).toMatchObject({ ok: true });
    }
  });
});

describe('parseSchedulePhrase: leniency', () => {
  it('ignores case in the schedule but keeps the title as typed', () => {
    expect(parseSchedulePhrase('Every TUESDAY And Thursday 10:00 Weekly SYNC with ACME')).toEqual(
      recurring('FREQ=WEEKLY;BYDAY=TU,TH', '10:00', 'Weekly SYNC with ACME'),
    );
    expect(parseSchedulePhrase('MONTHLY ON THE LAST FRI 16:00 Month end')).toEqual(
      recurring('FREQ=MONTHLY;BYDAY=-1FR', '16:00', 'Month end'),
    );
    expect(parseSchedulePhrase('Every Day 09:00 x')).toEqual(recurring('FREQ=DAILY', '09:00', 'x'));
  });

  it('accepts 3-letter day names and lists them in week order', () => {
    expect(parseSchedulePhrase('every thu and tue 10:00 Sync')).toEqual(
      recurring('FREQ=WEEKLY;BYDAY=TU,TH', '10:00', 'Sync'),
    );
    expect(parseSchedulePhrase('every sun, mon, and sat 10:00 Sync')).toEqual(
      recurring('FREQ=WEEKLY;BYDAY=MO,SA,SU', '10:00', 'Sync'),
    );
    expect(parseSchedulePhrase('monthly on the 3rd wed 10:00 Sync')).toEqual(
      recurring('FREQ=MONTHLY;BYDAY=3WE', '10:00', 'Sync'),
    );
  });

  it('reads 9:30 as 09:30, an optional "at", and spaces around the title', () => {
    expect(parseSchedulePhrase('  every day 9:30   Daily  check-in  ')).toEqual(
      recurring('FREQ=DAILY', '09:30', 'Daily  check-in'),
    );
    expect(parseSchedulePhrase('every tuesday at 10:00 Sync')).toEqual(
      recurring('FREQ=WEEKLY;BYDAY=TU', '10:00', 'Sync'),
    );
    expect(parseSchedulePhrase('2026-12-03 0:05 Early')).toEqual({
      ok: true,
      title: 'Early',
      schedule: { kind: 'once', localDate: '2026-12-03', localTime: '00:05' },
    });
  });

  it('takes the first time as the meeting time, so a title may hold another', () => {
    expect(parseSchedulePhrase('every day 09:00 Sync, not 10:00')).toEqual(
      recurring('FREQ=DAILY', '09:00', 'Sync, not 10:00'),
    );
  });

  it('reads every week and every 1 week as weekly', () => {
    expect(parseSchedulePhrase('every 1 week on friday 10:00 Sync')).toEqual(
      recurring('FREQ=WEEKLY;BYDAY=FR', '10:00', 'Sync'),
    );
    expect(parseSchedulePhrase('every 3 weeks monday 10:00 Sync')).toEqual(
      recurring('FREQ=WEEKLY;INTERVAL=3;BYDAY=MO', '10:00', 'Sync'),
    );
  });

  it('keeps a title of 150 characters', () => {
    const title = 'x'.repeat(150);
    expect(parseSchedulePhrase(`every day 09:00 ${title}`)).toEqual(recurring('FREQ=DAILY', '09:00', title));
  });

  it('does not check whether a date is in the past', () => {
    expect(parseSchedulePhrase('2001-01-01 10:00 Long ago')).toMatchObject({ ok: true });
  });
});

describe('parseSchedulePhrase: what it refuses, and why', () => {
  it('a missing title', () => {
    expect(problemOf('every tuesday 10:00')).toBe(
      'Add a title after the time, like "every tuesday 10:00 Weekly sync".',
    );
    expect(problemOf('2026-12-03 10:00   ')).toMatch(/^Add a title/);
  });

  it('a title longer than 150 characters', () => {
    expect(problemOf(`every day 09:00 ${'é'.repeat(151)}`)).toBe(
      'The title is 151 characters long: keep it to 150.',
    );
  });

  it('an impossible date or time', () => {
    expect(problemOf('2026-02-30 10:00 Sync')).toBe(
      '2026-02-30 is not a date: write it as YYYY-MM-DD, like 2026-12-03.',
    );
    expect(problemOf('2026-13-01 10:00 Sync')).toMatch(/^2026-13-01 is not a date/);
    expect(problemOf('every tuesday 25:00 Sync')).toBe(
      '25:00 is not a time: use HH:MM on a 24-hour clock, like 09:30 or 15:00.',
    );
    expect(problemOf('2026-12-03 10:60 Sync')).toMatch(/^10:60 is not a time/);
  });

  it('no time, or no when', () => {
    expect(problemOf('every tuesday 10am Sync')).toBe(
      'Put the time after when the meeting is, as HH:MM on a 24-hour clock, like 10:00.',
    );
    expect(problemOf('10:00 Sync')).toBe(
      'Say when the meeting is before the time, like "every tuesday 10:00".',
    );
    expect(problemOf('   ')).toBe('Say when the meeting is and what it is called.');
  });

  it('a day it does not know', () => {
    expect(problemOf('every tusday 10:00 Sync')).toBe(
      '"tusday" is not a day of the week: write monday to sunday, or mon to sun.',
    );
    expect(problemOf('every tuesday and thurs 10:00 Sync')).toMatch(/^"thurs" is not a day/);
    expect(problemOf('monthly on the 2nd week 10:00 Sync')).toMatch(/^"week" is not a day/);
  });

  it('a monthly week day other than 1st to 4th or last, or a day of the month past the 28th', () => {
    expect(problemOf('monthly on the 5th tuesday 10:00 Sync')).toBe(
      'Say which tuesday of the month: 1st, 2nd, 3rd, 4th or last.',
    );
    expect(problemOf('monthly on the second tuesday 10:00 Sync')).toMatch(/^Say which tuesday/);
    expect(problemOf('monthly on the 31st 10:00 Sync')).toBe(
      'Choose a day of the month from the 1st to the 28th.',
    );
    expect(problemOf('monthly on the 0th 10:00 Sync')).toMatch(/^Choose a day of the month/);
  });

  it('a number of weeks out of range, or no day for them', () => {
    expect(problemOf('every 0 weeks on monday 10:00 Sync')).toMatch(/^Repeat every 1 to 52 weeks/);
    expect(problemOf('every 53 weeks on monday 10:00 Sync')).toMatch(/^Repeat every 1 to 52 weeks/);
    expect(problemOf('every 2 weeks 10:00 Sync')).toBe('Say on which day, like "every 2 weeks on thursday".');
  });

  it('a phrase it cannot read', () => {
    expect(problemOf('Tomorrow 10:00 Sync')).toBe('Cannot read when the meeting is from "tomorrow".');
    expect(problemOf('monthly 10:00 Sync')).toMatch(/^Cannot read when the meeting is from "monthly"/);
    expect(problemOf('2026-12-03T10:00 Sync')).toMatch(/^Put the time after/);
  });
});
