import { describe, expect, it, vi } from 'vitest';
import { reviewInviteIcs } from '../../adapters/calendar/review-ics';

// Zone data as an older copy of the library would bundle it: Mexico City with the summer time it
// dropped in 2022, and an alias filed under a zone with other offsets.
const stale = vi.hoisted(() => ({
  'America/Mexico_City': [
    'BEGIN:VTIMEZONE',
    'TZID:America/Mexico_City',
    'BEGIN:DAYLIGHT',
    'TZOFFSETFROM:-0600',
    'TZOFFSETTO:-0500',
    'DTSTART:19700405T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU',
    'END:DAYLIGHT',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:-0500',
    'TZOFFSETTO:-0600',
    'DTSTART:19701025T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n'),
  'Asia/Calcutta': [
    'BEGIN:VTIMEZONE',
    'TZID:Asia/Karachi',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:+0500',
    'TZOFFSETTO:+0500',
    'DTSTART:19700101T000000',
    'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n'),
}));

vi.mock('timezones-ical-library', () => ({
  tzlib_get_ical_block: (timeZone: keyof typeof stale) => [stale[timeZone], `TZID=${timeZone}`],
}));

describe('reviewInviteIcs with zone data older than the zone rules', () => {
  it.each(Object.keys(stale))('writes UTC times without a VTIMEZONE for %s', (timeZone) => {
    const ics = reviewInviteIcs(
      {
        uid: 'review-acme-weekly-1795860000000@accord',
        sequence: 0,
        title: 'Weekly service review',
        start: new Date('2026-07-01T15:00:00Z'),
        durationSeconds: 3600,
        timeZone,
        attendees: [],
      },
      new Date('2026-11-01T09:00:00Z'),
    );
    expect(ics).toContain('\r\nDTSTART:20260701T150000Z\r\n');
    expect(ics).toContain('\r\nDTEND:20260701T160000Z\r\n');
    expect(ics).not.toContain('VTIMEZONE');
    expect(ics).not.toContain('TZID');
  });
});
