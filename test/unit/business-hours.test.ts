import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../db/schema/directory';
import {
  type SlaClockOptions,
  slaDueAt,
  slaSecondsBetween,
} from '../../workflows/escalations/business-hours';

// Instants are written as local time with its UTC offset, so each case reads in the relationship's zone.
const at = (iso: string) => new Date(iso);
const HOUR = 3600;
const monToFri = [1, 2, 3, 4, 5];
const everyDay = [0, 1, 2, 3, 4, 5, 6];

const inZone = (timeZone: string, days: number[], from: string, to: string): SlaClockOptions => ({
  timeZone,
  businessHours: { days, from, to },
});
const londonOffice = inZone('Europe/London', monToFri, '09:00', '17:30');
const newYorkOffice = inZone('America/New_York', monToFri, '09:00', '17:30');
const manilaOffice = inZone('Asia/Manila', monToFri, '08:00', '17:00');

describe('SLA clock without business hours', () => {
  it('adds plain elapsed time, nights and weekends included', () => {
    for (const businessHours of [undefined, null]) {
      const options = { timeZone: 'Europe/London', businessHours };
      expect(slaDueAt(at('2026-01-09T16:00:00Z'), 4 * HOUR, options)).toEqual(at('2026-01-09T20:00:00Z'));
      expect(slaDueAt(at('2026-03-28T23:00:00Z'), 3 * HOUR, options)).toEqual(at('2026-03-29T02:00:00Z'));
      expect(slaSecondsBetween(at('2026-01-09T16:00:00Z'), at('2026-01-12T16:00:00Z'), options)).toBe(
        72 * HOUR,
      );
    }
  });
});

describe('SLA clock in business hours', () => {
  it('carries what is left on Friday evening over to Monday morning', () => {
    expect(slaDueAt(at('2026-01-09T16:00:00+00:00'), 4 * HOUR, londonOffice)).toEqual(
      at('2026-01-12T11:30:00+00:00'),
    );
  });

  it('starts counting at the next opening when raised on a Saturday', () => {
    expect(slaDueAt(at('2026-01-10T12:00:00+00:00'), HOUR, londonOffice)).toEqual(
      at('2026-01-12T10:00:00+00:00'),
    );
  });

  it('starts counting at opening when raised before it, and an SLA of 0 is due at that opening', () => {
    expect(slaDueAt(at('2026-01-13T07:15:00+00:00'), 30 * 60, londonOffice)).toEqual(
      at('2026-01-13T09:30:00+00:00'),
    );
    expect(slaDueAt(at('2026-01-13T07:15:00+00:00'), 0, londonOffice)).toEqual(
      at('2026-01-13T09:00:00+00:00'),
    );
    expect(slaDueAt(at('2026-01-13T11:00:00+00:00'), 0, londonOffice)).toEqual(
      at('2026-01-13T11:00:00+00:00'),
    );
  });

  it('lands on the closing instant, not the next opening, when the budget runs out exactly at closing', () => {
    expect(slaDueAt(at('2026-01-12T09:00:00+00:00'), 8.5 * HOUR, londonOffice)).toEqual(
      at('2026-01-12T17:30:00+00:00'),
    );
    expect(slaDueAt(at('2026-01-09T16:00:00+00:00'), 1.5 * HOUR, londonOffice)).toEqual(
      at('2026-01-09T17:30:00+00:00'),
    );
  });

  it('treats a start exactly at closing as outside business hours', () => {
    expect(slaDueAt(at('2026-01-09T17:30:00+00:00'), HOUR, londonOffice)).toEqual(
      at('2026-01-12T10:00:00+00:00'),
    );
  });

  it('spreads 2d (48 hours of business time) over the following week', () => {
    // Wednesday 4.5h, then 8.5h on Thu, Fri, Mon, Tue and Wed, leaving 1h for Thursday.
    expect(slaDueAt(at('2026-01-14T13:00:00+00:00'), 48 * HOUR, londonOffice)).toEqual(
      at('2026-01-22T10:00:00+00:00'),
    );
  });

  it('spreads 1w (168 hours of business time) over four weeks', () => {
    // 19 full days of 8.5h from Monday 5 January, then 6.5h on Friday 30 January.
    expect(slaDueAt(at('2026-01-05T09:00:00+00:00'), 168 * HOUR, londonOffice)).toEqual(
      at('2026-01-30T15:30:00+00:00'),
    );
  });
});

describe('SLA clock across daylight-saving changes', () => {
  it('follows London into summer time over the weekend of 2026-03-29', () => {
    expect(slaDueAt(at('2026-03-27T16:00:00+00:00'), 4 * HOUR, londonOffice)).toEqual(
      at('2026-03-30T11:30:00+01:00'),
    );
  });

  it('counts a London 09:00-17:30 window as 8.5 real hours on both change days', () => {
    const london = inZone('Europe/London', everyDay, '09:00', '17:30');
    expect(slaDueAt(at('2026-03-28T17:00:00+00:00'), HOUR, london)).toEqual(at('2026-03-29T09:30:00+01:00'));
    expect(slaDueAt(at('2026-03-29T09:00:00+01:00'), 8.5 * HOUR, london)).toEqual(
      at('2026-03-29T17:30:00+01:00'),
    );
    expect(slaSecondsBetween(at('2026-03-29T00:00:00+00:00'), at('2026-03-30T00:00:00+01:00'), london)).toBe(
      8.5 * HOUR,
    );
    expect(slaDueAt(at('2026-10-24T17:00:00+01:00'), HOUR, london)).toEqual(at('2026-10-25T09:30:00+00:00'));
    expect(slaSecondsBetween(at('2026-10-25T00:00:00+01:00'), at('2026-10-26T00:00:00+00:00'), london)).toBe(
      8.5 * HOUR,
    );
  });

  it('counts real elapsed time in a window the London clock change falls inside', () => {
    const sundayNights = inZone('Europe/London', [0], '00:00', '03:00');
    // 01:00 GMT jumps to 02:00 BST: the window holds 2 real hours in spring and 4 in autumn.
    expect(slaSecondsBetween(at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), sundayNights)).toBe(
      2 * HOUR,
    );
    expect(slaDueAt(at('2026-03-28T12:00:00Z'), 3 * HOUR, sundayNights)).toEqual(
      at('2026-04-05T01:00:00+01:00'),
    );
    expect(slaSecondsBetween(at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), sundayNights)).toBe(
      4 * HOUR,
    );
    expect(slaDueAt(at('2026-10-24T12:00:00Z'), 4 * HOUR, sundayNights)).toEqual(
      at('2026-10-25T03:00:00+00:00'),
    );
  });

  it('counts the part of a window left after a spring-forward gap, and both passes of a repeated hour', () => {
    const fromTheGap = inZone('Europe/London', [0], '01:30', '03:00');
    expect(slaSecondsBetween(at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), fromTheGap)).toBe(HOUR);
    expect(slaDueAt(at('2026-03-28T12:00:00Z'), 30 * 60, fromTheGap)).toEqual(
      at('2026-03-29T02:30:00+01:00'),
    );

    const repeated = inZone('Europe/London', [0], '01:00', '01:30');
    expect(slaSecondsBetween(at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), repeated)).toBe(HOUR);
    expect(slaDueAt(at('2026-10-24T12:00:00Z'), 30 * 60, repeated)).toEqual(at('2026-10-25T01:30:00+01:00'));
    expect(slaDueAt(at('2026-10-24T12:00:00Z'), 45 * 60, repeated)).toEqual(at('2026-10-25T01:15:00+00:00'));
  });

  it('follows New York into and out of daylight time on 2026-03-08 and 2026-11-01', () => {
    expect(slaDueAt(at('2026-03-06T16:00:00-05:00'), 4 * HOUR, newYorkOffice)).toEqual(
      at('2026-03-09T11:30:00-04:00'),
    );
    expect(slaDueAt(at('2026-10-30T16:00:00-04:00'), 4 * HOUR, newYorkOffice)).toEqual(
      at('2026-11-02T11:30:00-05:00'),
    );

    const newYork = inZone('America/New_York', everyDay, '09:00', '17:30');
    expect(slaDueAt(at('2026-03-07T17:00:00-05:00'), 8.5 * HOUR, newYork)).toEqual(
      at('2026-03-08T17:00:00-04:00'),
    );
    expect(slaSecondsBetween(at('2026-03-08T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00'), newYork)).toBe(
      8.5 * HOUR,
    );
    expect(slaDueAt(at('2026-10-31T17:00:00-04:00'), HOUR, newYork)).toEqual(at('2026-11-01T09:30:00-05:00'));
    expect(slaSecondsBetween(at('2026-11-01T00:00:00-04:00'), at('2026-11-02T00:00:00-05:00'), newYork)).toBe(
      8.5 * HOUR,
    );
  });

  it('uses the local date, not the UTC date, in New York evenings', () => {
    // Friday 20:00 in New York is already Saturday in UTC.
    expect(slaDueAt(at('2026-01-09T20:00:00-05:00'), HOUR, newYorkOffice)).toEqual(
      at('2026-01-12T10:00:00-05:00'),
    );
  });
});

describe('SLA clock in Asia/Manila (UTC+8, no daylight saving)', () => {
  it('carries Friday afternoon over to Monday morning', () => {
    expect(slaDueAt(at('2026-01-09T15:00:00+08:00'), 4 * HOUR, manilaOffice)).toEqual(
      at('2026-01-12T10:00:00+08:00'),
    );
  });

  it('uses the local date, not the UTC date, on Monday mornings', () => {
    // Monday 06:00 in Manila is still Sunday in UTC.
    expect(slaDueAt(at('2026-01-12T06:00:00+08:00'), HOUR, manilaOffice)).toEqual(
      at('2026-01-12T09:00:00+08:00'),
    );
    expect(
      slaSecondsBetween(at('2026-01-11T00:00:00+08:00'), at('2026-01-13T00:00:00+08:00'), manilaOffice),
    ).toBe(9 * HOUR);
  });
});

describe('slaSecondsBetween', () => {
  const cases: [string, SlaClockOptions, Date, number][] = [
    ['London, Friday evening', londonOffice, at('2026-01-09T16:00:00+00:00'), 4 * HOUR],
    ['London, Saturday', londonOffice, at('2026-01-10T12:00:00+00:00'), 30 * 60],
    ['London, 2d', londonOffice, at('2026-01-14T13:00:00+00:00'), 48 * HOUR],
    ['London, over the spring change', londonOffice, at('2026-03-27T10:17:23+00:00'), 20 * HOUR + 7],
    [
      'London, night window in autumn',
      inZone('Europe/London', [0], '01:00', '01:30'),
      at('2026-10-20T00:00:00Z'),
      45 * 60,
    ],
    ['New York, over the autumn change', newYorkOffice, at('2026-10-29T12:00:00-04:00'), 30 * HOUR],
    ['Manila, 1w', manilaOffice, at('2026-02-02T06:00:00+08:00'), 7 * 24 * HOUR],
    ['no business hours', { timeZone: 'Asia/Manila' }, at('2026-02-02T06:00:00+08:00'), 5 * HOUR],
  ];

  it.each(cases)('is the inverse of slaDueAt (%s)', (_name, options, start, seconds) => {
    expect(slaSecondsBetween(start, slaDueAt(start, seconds, options), options)).toBe(seconds);
  });

  it('reports the business time left before a deadline', () => {
    const due = at('2026-01-12T11:30:00+00:00');
    expect(slaSecondsBetween(at('2026-01-09T17:00:00+00:00'), due, londonOffice)).toBe(3 * HOUR);
    expect(slaSecondsBetween(at('2026-01-10T12:00:00+00:00'), due, londonOffice)).toBe(2.5 * HOUR);
  });

  it('is 0 when the end is not after the start', () => {
    const start = at('2026-01-12T10:00:00+00:00');
    expect(slaSecondsBetween(start, start, londonOffice)).toBe(0);
    expect(slaSecondsBetween(start, at('2026-01-12T09:30:00+00:00'), londonOffice)).toBe(0);
    expect(slaSecondsBetween(start, at('2026-01-12T09:30:00+00:00'), { timeZone: 'UTC' })).toBe(0);
  });
});

describe('SLA clock guards', () => {
  const start = at('2026-01-12T10:00:00Z');
  const withHours = (businessHours: BusinessHours): SlaClockOptions => ({
    timeZone: 'Europe/London',
    businessHours,
  });

  it('refuses business hours with no days rather than searching forever', () => {
    const noDays = withHours({ days: [], from: '09:00', to: '17:30' });
    expect(() => slaDueAt(start, HOUR, noDays)).toThrow('business hours list no days');
    expect(() => slaSecondsBetween(start, at('2026-01-13T10:00:00Z'), noDays)).toThrow(
      'business hours list no days',
    );
  });

  it('refuses other business hours that never open, and budgets that never run out', () => {
    expect(() => slaDueAt(start, HOUR, withHours({ days: [7], from: '09:00', to: '17:30' }))).toThrow(
      'day 7',
    );
    expect(() => slaDueAt(start, HOUR, withHours({ days: monToFri, from: '17:30', to: '09:00' }))).toThrow(
      'from before to',
    );
    expect(() => slaDueAt(start, HOUR, inZone('Mars/Olympus_Mons', monToFri, '09:00', '17:30'))).toThrow(
      'unknown time zone',
    );
    expect(() => slaDueAt(start, Number.POSITIVE_INFINITY, londonOffice)).toThrow('finite');
  });
});
