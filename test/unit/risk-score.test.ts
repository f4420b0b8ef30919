import { describe, expect, it } from 'vitest';
import {
  isCalendarDate,
  reachesTop,
  readLevel,
  reviewReminderAt,
  reviewReminderDue,
  riskScore,
  TOP_SCORE,
  todayIn,
} from '../../workflows/risks/risk-score';

describe('risk scoring', () => {
  it('scores likelihood times impact, from 1 to 25', () => {
    expect(riskScore({ likelihood: 1, impact: 1 })).toBe(1);
    expect(riskScore({ likelihood: 4, impact: 3 })).toBe(12);
    expect(riskScore({ likelihood: 5, impact: 5 })).toBe(TOP_SCORE);
    expect(TOP_SCORE).toBe(25);
  });

  it('reaches the top once per crossing: from nothing or from below, never from the top itself', () => {
    expect(reachesTop(undefined, 25)).toBe(true);
    expect(reachesTop(20, 25)).toBe(true);
    expect(reachesTop(25, 25)).toBe(false);
    expect(reachesTop(25, 20)).toBe(false);
    expect(reachesTop(undefined, 20)).toBe(false);
    expect(reachesTop(16, 20)).toBe(false);
  });

  it('reads a level from 1 to 5 as typed or chosen, and nothing else', () => {
    expect(readLevel('4')).toBe(4);
    expect(readLevel(' 1 ')).toBe(1);
    expect(readLevel(5)).toBe(5);
    for (const bad of ['9', '0', '6', '2.5', '-1', 'high', '', '44', undefined, null, 3.5, {}]) {
      expect(readLevel(bad)).toBeUndefined();
    }
  });

  it('knows a calendar date from one that does not exist', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('28/02/2026')).toBe(false);
    expect(isCalendarDate('2026-2-8')).toBe(false);
  });
});

describe('the review reminder', () => {
  it('is at 09:00 on the review date in the owner’s zone, across daylight saving', () => {
    expect(reviewReminderAt('2026-01-15', 'Europe/London').toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(reviewReminderAt('2026-07-15', 'Europe/London').toISOString()).toBe('2026-07-15T08:00:00.000Z');
    expect(reviewReminderAt('2026-07-15', 'Asia/Manila').toISOString()).toBe('2026-07-15T01:00:00.000Z');
    expect(reviewReminderAt('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(reviewReminderAt('2026-03-07', 'America/New_York').toISOString()).toBe('2026-03-07T14:00:00.000Z');
  });

  it('reads today in the zone, not on the server', () => {
    const now = new Date('2026-07-15T20:00:00Z');
    expect(todayIn('Europe/London', now)).toBe('2026-07-15');
    expect(todayIn('Asia/Manila', now)).toBe('2026-07-16');
    expect(todayIn('Pacific/Honolulu', new Date('2026-07-16T05:00:00Z'))).toBe('2026-07-15');
  });

  it('is due at 09:00 ahead, at once when 09:00 has passed on the day, and not at all for a day gone by', () => {
    const morning = new Date('2026-07-15T06:00:00Z');
    expect(reviewReminderDue('2026-07-15', 'Europe/London', morning)?.toISOString()).toBe(
      '2026-07-15T08:00:00.000Z',
    );
    const afternoon = new Date('2026-07-15T14:00:00Z');
    expect(reviewReminderDue('2026-07-15', 'Europe/London', afternoon)).toEqual(afternoon);
    expect(reviewReminderDue('2026-07-20', 'Europe/London', afternoon)?.toISOString()).toBe(
      '2026-07-20T08:00:00.000Z',
    );
    expect(reviewReminderDue('2026-07-14', 'Europe/London', afternoon)).toBeUndefined();
    // Already the 16th in Manila: the 15th is behind the owner there.
    expect(reviewReminderDue('2026-07-15', 'Asia/Manila', new Date('2026-07-15T20:00:00Z'))).toBeUndefined();
  });
});
