import rrule from 'rrule';
import { describe, expect, it, vi } from 'vitest';
import {
  checkRecurrenceRule,
  nextOccurrence,
  occurrencesBetween,
  type SeriesSchedule,
} from '../../workflows/reviews/occurrences';

// Expected instants are written as local time with the zone's UTC offset, so each reads as the meeting does.
const at = (iso: string) => new Date(iso);
const instants = (...isos: string[]) => isos.map((iso) => at(iso).toISOString());
const starts = (dates: Date[]) => dates.map((date) => date.toISOString());

const series = (rrule: string, localTime: string, timeZone: string, since: string): SeriesSchedule => ({
  kind: 'recurring',
  rrule,
  localTime,
  timeZone,
  since: at(since),
});
const between = (schedule: SeriesSchedule, from: string, to: string, limit?: number) =>
  starts(occurrencesBetween(schedule, at(from), at(to), limit));

const londonTuesdays = series('FREQ=WEEKLY;BYDAY=TU', '10:00', 'Europe/London', '2026-01-01T00:00:00Z');

describe('occurrences across daylight saving changes', () => {
  it('keeps a London meeting at 10:00 local across the last Sundays of March and October', () => {
    expect(between(londonTuesdays, '2026-03-17T00:00:00Z', '2026-04-08T00:00:00Z')).toEqual(
      instants(
        '2026-03-17T10:00:00+00:00',
        '2026-03-24T10:00:00+00:00',
        '2026-03-31T10:00:00+01:00',
        '2026-04-07T10:00:00+01:00',
      ),
    );
    expect(between(londonTuesdays, '2026-10-13T00:00:00Z', '2026-11-04T00:00:00Z')).toEqual(
      instants(
        '2026-10-13T10:00:00+01:00',
        '2026-10-20T10:00:00+01:00',
        '2026-10-27T10:00:00+00:00',
        '2026-11-03T10:00:00+00:00',
      ),
    );
  });

  it('keeps a New York meeting at 09:00 local across 2026-03-08 and 2026-11-01', () => {
    const daily = series('FREQ=DAILY', '09:00', 'America/New_York', '2026-01-01T00:00:00Z');
    expect(between(daily, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual(
      instants('2026-03-07T09:00:00-05:00', '2026-03-08T09:00:00-04:00', '2026-03-09T09:00:00-04:00'),
    );
    expect(between(daily, '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual(
      instants('2026-10-31T09:00:00-04:00', '2026-11-01T09:00:00-05:00', '2026-11-02T09:00:00-05:00'),
    );
  });

  it('keeps Manila (UTC+8, no daylight saving) at the same UTC time all year', () => {
    const mondays = series('FREQ=WEEKLY;BYDAY=MO', '09:00', 'Asia/Manila', '2026-01-01T00:00:00Z');
    expect(between(mondays, '2026-03-23T00:00:00Z', '2026-04-07T00:00:00Z')).toEqual(
      instants('2026-03-23T09:00:00+08:00', '2026-03-30T09:00:00+08:00', '2026-04-06T09:00:00+08:00'),
    );
    expect(between(mondays, '2026-10-19T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual(
      instants('2026-10-19T09:00:00+08:00', '2026-10-26T09:00:00+08:00', '2026-11-02T09:00:00+08:00'),
    );
  });

  it('moves a local time the clocks skip forward by the gap: 01:30 London on 2026-03-29 is 02:30 BST', () => {
    const daily = series('FREQ=DAILY', '01:30', 'Europe/London', '2026-01-01T00:00:00Z');
    expect(between(daily, '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual(
      instants('2026-03-28T01:30:00+00:00', '2026-03-29T02:30:00+01:00', '2026-03-30T01:30:00+01:00'),
    );
    const newYork = series('FREQ=DAILY', '02:30', 'America/New_York', '2026-01-01T00:00:00Z');
    expect(between(newYork, '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z')).toEqual(
      instants('2026-03-08T03:30:00-04:00'),
    );
  });

  it('takes the first of a local time the clocks repeat: 01:30 London on 2026-10-25 is 01:30 BST', () => {
    const daily = series('FREQ=DAILY', '01:30', 'Europe/London', '2026-01-01T00:00:00Z');
    expect(between(daily, '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual(
      instants('2026-10-24T01:30:00+01:00', '2026-10-25T01:30:00+01:00', '2026-10-26T01:30:00+00:00'),
    );
    const newYork = series('FREQ=DAILY', '01:30', 'America/New_York', '2026-01-01T00:00:00Z');
    expect(between(newYork, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toEqual(
      instants('2026-11-01T01:30:00-04:00'),
    );
  });
});

describe('occurrences of the rules people write', () => {
  it('meets monthly on the 2nd Tuesday', () => {
    const steering = series('FREQ=MONTHLY;BYDAY=2TU', '10:00', 'Europe/London', '2026-12-01T00:00:00Z');
    expect(between(steering, '2027-01-01T00:00:00Z', '2027-05-01T00:00:00Z')).toEqual(
      instants(
        '2027-01-12T10:00:00+00:00',
        '2027-02-09T10:00:00+00:00',
        '2027-03-09T10:00:00+00:00',
        '2027-04-13T10:00:00+01:00',
      ),
    );
  });

  it('meets on the last weekday of the month, and on the 15th', () => {
    const lastWeekday = series(
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      '16:00',
      'Europe/London',
      '2026-01-01T00:00:00Z',
    );
    expect(between(lastWeekday, '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual(
      instants(
        '2026-01-30T16:00:00+00:00',
        '2026-02-27T16:00:00+00:00',
        '2026-03-31T16:00:00+01:00',
        '2026-04-30T16:00:00+01:00',
        '2026-05-29T16:00:00+01:00',
      ),
    );
    const fifteenth = series('FREQ=MONTHLY;BYMONTHDAY=15', '10:00', 'Asia/Manila', '2026-01-01T00:00:00Z');
    expect(between(fifteenth, '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual(
      instants('2026-01-15T10:00:00+08:00', '2026-02-15T10:00:00+08:00', '2026-03-15T10:00:00+08:00'),
    );
  });

  it('meets yearly on the last Friday of January', () => {
    const yearly = series('FREQ=YEARLY;BYMONTH=1;BYDAY=-1FR', '10:00', 'Asia/Manila', '2026-01-01T00:00:00Z');
    expect(between(yearly, '2026-01-01T00:00:00Z', '2029-01-01T00:00:00Z')).toEqual(
      instants('2026-01-30T10:00:00+08:00', '2027-01-29T10:00:00+08:00', '2028-01-28T10:00:00+08:00'),
    );
  });

  it('meets every 2 weeks on Thursday, counting from the first meeting', () => {
    const fromMonday = series(
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH',
      '15:30',
      'Europe/London',
      '2026-01-05T09:00:00Z',
    );
    expect(between(fromMonday, '2026-01-01T00:00:00Z', '2026-02-20T00:00:00Z')).toEqual(
      instants(
        '2026-01-08T15:30:00Z',
        '2026-01-22T15:30:00Z',
        '2026-02-05T15:30:00Z',
        '2026-02-19T15:30:00Z',
      ),
    );
    // Created on a Friday: the first meeting is the next Thursday, not the one after.
    const fromFriday = series(
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH',
      '15:30',
      'Europe/London',
      '2026-01-09T09:00:00Z',
    );
    expect(between(fromFriday, '2026-01-01T00:00:00Z', '2026-02-20T00:00:00Z')).toEqual(
      instants('2026-01-15T15:30:00Z', '2026-01-29T15:30:00Z', '2026-02-12T15:30:00Z'),
    );
    const quarterly = series(
      'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15',
      '10:00',
      'Europe/London',
      '2026-01-20T09:00:00Z',
    );
    expect(between(quarterly, '2026-01-01T00:00:00Z', '2026-12-01T00:00:00Z')).toEqual(
      instants(
        '2026-02-15T10:00:00Z',
        '2026-05-15T10:00:00+01:00',
        '2026-08-15T10:00:00+01:00',
        '2026-11-15T10:00:00Z',
      ),
    );
  });

  it('stops after COUNT meetings, counted from the series creation', () => {
    const three = series('FREQ=WEEKLY;BYDAY=TU;COUNT=3', '10:00', 'Europe/London', '2026-01-06T11:00:00Z');
    expect(between(three, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(
      instants('2026-01-13T10:00:00Z', '2026-01-20T10:00:00Z', '2026-01-27T10:00:00Z'),
    );
    expect(nextOccurrence(three, at('2026-01-27T10:00:00Z'))).toEqual(at('2026-01-27T10:00:00Z'));
    expect(nextOccurrence(three, at('2026-01-27T10:00:00.001Z'))).toBeUndefined();
  });

  it('stops at UNTIL: an instant with Z, a local time without, the whole day for a date', () => {
    const until = (value: string) =>
      between(
        series(`FREQ=WEEKLY;BYDAY=TU;UNTIL=${value}`, '10:00', 'Europe/London', '2026-06-01T00:00:00Z'),
        '2026-06-01T00:00:00Z',
        '2027-01-01T00:00:00Z',
      );
    const june = instants(
      '2026-06-02T10:00:00+01:00',
      '2026-06-09T10:00:00+01:00',
      '2026-06-16T10:00:00+01:00',
    );
    expect(until('20260616T090000Z')).toEqual(june);
    expect(until('20260616T085959Z')).toEqual(june.slice(0, 2));
    expect(until('20260616T100000')).toEqual(june);
    expect(until('20260616T095959')).toEqual(june.slice(0, 2));
    expect(until('20260616')).toEqual(june);
    expect(until('20260615')).toEqual(june.slice(0, 2));
    expect(
      nextOccurrence(
        series('FREQ=WEEKLY;BYDAY=TU;UNTIL=20260616', '10:00', 'Europe/London', '2026-06-01T00:00:00Z'),
        at('2026-06-17T00:00:00Z'),
      ),
    ).toBeUndefined();
  });

  it('never starts before `since`, to the millisecond', () => {
    const created = (since: string) => series('FREQ=WEEKLY;BYDAY=TU', '10:00', 'Europe/London', since);
    const window = ['2026-01-01T00:00:00Z', '2026-01-21T00:00:00Z'] as const;
    expect(between(created('2026-01-13T10:00:00Z'), ...window)).toEqual(
      instants('2026-01-13T10:00:00Z', '2026-01-20T10:00:00Z'),
    );
    expect(between(created('2026-01-13T10:00:00.001Z'), ...window)).toEqual(instants('2026-01-20T10:00:00Z'));
    expect(nextOccurrence(created('2026-01-13T10:00:00.001Z'), at('2025-01-01T00:00:00Z'))).toEqual(
      at('2026-01-20T10:00:00Z'),
    );
  });

  it('includes `from`, excludes `to`, and returns at most `limit`', () => {
    expect(between(londonTuesdays, '2026-01-06T10:00:00Z', '2026-01-20T10:00:00Z')).toEqual(
      instants('2026-01-06T10:00:00Z', '2026-01-13T10:00:00Z'),
    );
    expect(between(londonTuesdays, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 2)).toEqual(
      instants('2026-01-06T10:00:00Z', '2026-01-13T10:00:00Z'),
    );
    expect(between(londonTuesdays, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 0)).toEqual([]);
    expect(between(londonTuesdays, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual([]);
    expect(
      occurrencesBetween(londonTuesdays, at('2026-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z')),
    ).toHaveLength(208);
  });

  it('finds the next occurrence at or after an instant', () => {
    expect(nextOccurrence(londonTuesdays, at('2026-07-07T09:00:00Z'))).toEqual(
      at('2026-07-07T10:00:00+01:00'),
    );
    expect(nextOccurrence(londonTuesdays, at('2026-07-07T09:00:00.001Z'))).toEqual(
      at('2026-07-14T10:00:00+01:00'),
    );
  });
});

describe('long-lived series', () => {
  it('lists the same meetings from a late `from` as when replayed from the first meeting', () => {
    const since = '2016-02-10T12:00:00Z';
    const to = '2027-06-01T00:00:00Z';
    for (const rule of [
      'FREQ=DAILY;INTERVAL=3',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU',
      'FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,MO',
      'FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29',
      'FREQ=YEARLY;INTERVAL=3;BYMONTH=3,11;BYDAY=1MO',
    ]) {
      const schedule = series(rule, '10:00', 'Europe/London', since);
      const replayed = between(schedule, since, to, 10_000);
      for (const from of [
        '2016-02-11T00:00:00Z',
        '2020-02-29T10:00:00Z',
        '2024-12-31T23:00:00Z',
        '2026-03-29T00:30:00Z',
      ]) {
        expect(between(schedule, from, to, 10_000), `${rule} from ${from}`).toEqual(
          replayed.filter((start) => start >= at(from).toISOString()),
        );
      }
    }
  });
});

describe('one-off meetings', () => {
  const once: SeriesSchedule = { kind: 'once', startsAt: at('2027-01-12T14:00:00Z') };

  it('is next until it starts, then finished', () => {
    expect(nextOccurrence(once, at('2026-12-01T00:00:00Z'))).toEqual(at('2027-01-12T14:00:00Z'));
    expect(nextOccurrence(once, at('2027-01-12T14:00:00Z'))).toEqual(at('2027-01-12T14:00:00Z'));
    expect(nextOccurrence(once, at('2027-01-12T14:00:00.001Z'))).toBeUndefined();
  });

  it('is in a window that contains its start', () => {
    expect(between(once, '2027-01-12T14:00:00Z', '2027-01-12T14:00:00.001Z')).toEqual(
      instants('2027-01-12T14:00:00Z'),
    );
    expect(between(once, '2027-01-01T00:00:00Z', '2027-01-12T14:00:00Z')).toEqual([]);
    expect(between(once, '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z', 0)).toEqual([]);
  });
});

describe('host time zone', () => {
  it('gives the same instants whatever time zone the host runs in', () => {
    const compute = () => [
      between(londonTuesdays, '2026-03-17T00:00:00Z', '2026-11-04T00:00:00Z'),
      between(
        series('FREQ=DAILY', '01:30', 'Europe/London', '2026-03-27T12:00:00Z'),
        '2026-03-27T00:00:00Z',
        '2026-10-27T00:00:00Z',
      ),
      between(
        series('FREQ=MONTHLY;BYDAY=-1FR', '23:30', 'America/New_York', '2026-01-01T00:00:00Z'),
        '2026-01-01T00:00:00Z',
        '2027-01-01T00:00:00Z',
      ),
      between(
        series('FREQ=WEEKLY;INTERVAL=2;BYDAY=SU', '00:15', 'Asia/Manila', '2026-01-03T20:00:00Z'),
        '2026-01-01T00:00:00Z',
        '2027-01-01T00:00:00Z',
      ),
    ];
    const host = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const expected = compute();
      for (const zone of ['America/New_York', 'Asia/Manila', 'Pacific/Chatham', 'Europe/London']) {
        process.env.TZ = zone;
        expect(new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset()).not.toBe(0);
        expect(compute()).toEqual(expected);
      }
    } finally {
      process.env.TZ = host;
    }
  });
});

const { RRule } = rrule;

describe('skipping ahead', () => {
  /** How many dates the recurrence rule produced while `run` ran (the work, whatever the machine). */
  function datesVisited(run: () => void) {
    const all = RRule.prototype.all;
    let visited = 0;
    const spy = vi.spyOn(RRule.prototype, 'all').mockImplementation(function (
      this: InstanceType<typeof RRule>,
      iterator,
    ) {
      return all.call(this, (date: Date, i: number) => {
        visited++;
        return iterator ? iterator(date, i) : true;
      });
    });
    try {
      run();
    } finally {
      spy.mockRestore();
    }
    return visited;
  }
  const year2026 = [at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')] as const;

  it('does not replay a daily series created years ago: only the days of the window, and one each side', () => {
    const daily = series('FREQ=DAILY', '10:00', 'Europe/London', '2016-01-01T00:00:00Z');
    let found: Date[] = [];
    const visited = datesVisited(() => {
      found = occurrencesBetween(daily, ...year2026);
    });
    expect(found).toHaveLength(365);
    // A day early (a wall clock is within a day of its instant), and the one that ends the walk.
    expect(visited).toBeLessThanOrEqual(found.length + 3);
  });

  it('lists a year of weekly meetings visiting only that year', () => {
    let found: Date[] = [];
    const visited = datesVisited(() => {
      found = occurrencesBetween(londonTuesdays, ...year2026);
    });
    expect(visited).toBeLessThanOrEqual(found.length + 3);
  });
});

describe('invalid schedules', () => {
  it('throws for an unknown zone, a bad local time, a bad rule or an invalid date', () => {
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2027-01-01T00:00:00Z');
    expect(() =>
      occurrencesBetween(series('FREQ=DAILY', '10:00', 'Mars/Olympus', '2026-01-01T00:00:00Z'), from, to),
    ).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() =>
      occurrencesBetween(series('FREQ=DAILY', '9:00', 'Europe/London', '2026-01-01T00:00:00Z'), from, to),
    ).toThrow(/"HH:MM", got "9:00"/);
    expect(() =>
      occurrencesBetween(series('FREQ=WEEKLY', '09:00', 'Europe/London', '2026-01-01T00:00:00Z'), from, to),
    ).toThrow(/rule "FREQ=WEEKLY": FREQ=WEEKLY needs BYDAY/);
    expect(() => occurrencesBetween(londonTuesdays, at('soon'), to)).toThrow(RangeError);
  });
});

describe('checkRecurrenceRule', () => {
  it('accepts the rules people use', () => {
    for (const rule of [
      'FREQ=DAILY',
      'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR',
      'FREQ=WEEKLY;BYDAY=TU',
      'freq=weekly;byday=tu,th',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;WKST=SU',
      'FREQ=MONTHLY;BYDAY=2TU',
      'FREQ=MONTHLY;BYDAY=-1FR',
      'FREQ=MONTHLY;BYMONTHDAY=15',
      'FREQ=MONTHLY;BYMONTHDAY=-1',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1',
      'FREQ=YEARLY;BYMONTH=1;BYDAY=-1FR',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
      'FREQ=WEEKLY;BYDAY=TU;COUNT=10',
      'FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T170000Z',
      'FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231',
    ]) {
      expect(checkRecurrenceRule(rule), rule).toBeUndefined();
    }
  });

  it('says what is wrong with a rule it cannot use', () => {
    const cases: [string, RegExp][] = [
      ['', /is empty/],
      ['RRULE:FREQ=WEEKLY;BYDAY=TU', /no RRULE: prefix/],
      ['DTSTART:20260101T100000Z\nRRULE:FREQ=DAILY', /no DTSTART/],
      ['FREQ=WEEKLY;BYDAY=TU;', /empty part/],
      ['FREQ WEEKLY', /"FREQ WEEKLY" is not a KEY=VALUE part/],
      ['FREQ=WEEKLY;FREQ=DAILY;BYDAY=TU', /FREQ appears twice/],
      ['BYDAY=TU', /needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY/],
      ['FREQ=HOURLY', /FREQ=HOURLY is not supported: a review meets at most once a day/],
      ['FREQ=FORTNIGHTLY', /FREQ=FORTNIGHTLY is not supported/],
      [
        'FREQ=WEEKLY;BYDAY=TU;BYHOUR=10',
        /BYHOUR is not supported: the time of day is the series' local time/,
      ],
      ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO', /BYWEEKNO is not supported: use FREQ, INTERVAL/],
      ['FREQ=WEEKLY;INTERVAL=0;BYDAY=TU', /INTERVAL=0 must be a whole number from 1 to 1000/],
      ['FREQ=WEEKLY;INTERVAL=two;BYDAY=TU', /INTERVAL=TWO must be a whole number/],
      ['FREQ=WEEKLY;COUNT=0;BYDAY=TU', /COUNT=0 must be a whole number of at least 1/],
      ['FREQ=WEEKLY;BYDAY=TUE', /BYDAY: "TUE" is not a day/],
      ['FREQ=WEEKLY;BYDAY=XX', /BYDAY: "XX" is not a day: use MO, TU/],
      ['FREQ=WEEKLY;BYDAY=TU;WKST=XX', /WKST: "XX" is not a day/],
      [
        'FREQ=WEEKLY;BYDAY=2TU',
        /BYDAY=2TU counts days within a month or year, so it needs FREQ=MONTHLY or YEARLY/,
      ],
      ['FREQ=MONTHLY;BYDAY=6TU', /BYDAY=6TU: count from 1 to 5/],
      ['FREQ=MONTHLY;BYDAY=0TU', /BYDAY=0TU: count from 1 to 5/],
      ['FREQ=MONTHLY;BYMONTHDAY=32', /BYMONTHDAY=32 must list numbers from 1 to 31/],
      ['FREQ=MONTHLY;BYMONTHDAY=0', /BYMONTHDAY=0 must list numbers/],
      ['FREQ=YEARLY;BYMONTH=-1;BYMONTHDAY=1', /BYMONTH=-1 must list numbers from 1 to 12$/],
      ['FREQ=WEEKLY;BYDAY=TU;UNTIL=20260230', /UNTIL=20260230 must be a date like 20271231/],
      ['FREQ=WEEKLY;BYDAY=TU;UNTIL=2026-12-31', /UNTIL=2026-12-31 must be a date/],
      ['FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T250000Z', /UNTIL=20261231T250000Z must be/],
      ['FREQ=WEEKLY;BYDAY=TU;COUNT=3;UNTIL=20271231', /use COUNT or UNTIL, not both/],
      ['FREQ=WEEKLY;BYDAY=TU;BYMONTHDAY=1', /BYMONTHDAY does not combine with FREQ=WEEKLY/],
      ['FREQ=MONTHLY;BYSETPOS=1', /BYSETPOS picks among the days/],
      ['FREQ=WEEKLY', /FREQ=WEEKLY needs BYDAY/],
      ['FREQ=MONTHLY', /FREQ=MONTHLY needs BYMONTHDAY \(like BYMONTHDAY=15\) or BYDAY/],
      ['FREQ=YEARLY;BYMONTH=3', /FREQ=YEARLY needs BYMONTHDAY/],
      [
        'FREQ=DAILY;INTERVAL=14;BYDAY=MO',
        /always lands on the same day of the week: use FREQ=WEEKLY;INTERVAL=2/,
      ],
      [
        'FREQ=MONTHLY;INTERVAL=2;BYMONTH=1,7;BYMONTHDAY=1',
        /BYMONTH already picks the months: drop INTERVAL=2/,
      ],
      ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /never happens/],
      ['FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31', /never happens/],
      ['FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2', /never happens/],
    ];
    for (const [rule, message] of cases) {
      expect(checkRecurrenceRule(rule), rule).toMatch(message);
    }
  });
});
