import { describe, expect, it } from 'vitest';
import {
  ICS_CONTENT_TYPE,
  icsFileName,
  type ReviewInvite,
  reviewInviteIcs,
} from '../../adapters/calendar/review-ics';

// Expected lines are written out in full: run this file under TZ=UTC and TZ=America/New_York to prove the output
// ignores the host zone, since changing process.env.TZ inside one process is unreliable.
const at = (iso: string) => new Date(iso);
const now = at('2026-11-01T09:00:00Z');

const invite = (overrides: Partial<ReviewInvite> = {}): ReviewInvite => ({
  uid: 'review-acme-weekly-1795860000000@accord',
  sequence: 0,
  title: 'Weekly service review',
  start: at('2026-12-01T10:00:00Z'),
  durationSeconds: 3600,
  timeZone: 'Europe/London',
  attendees: [],
  ...overrides,
});

const unfold = (ics: string) => ics.replace(/\r\n /g, '');
const lines = (ics: string) => unfold(ics).split('\r\n');
const count = (ics: string, line: string) => lines(ics).filter((l) => l === line).length;
const property = (ics: string, name: string) => lines(ics).filter((l) => l.startsWith(name));

describe('reviewInviteIcs', () => {
  it('renders a London winter meeting as a whole, published file', () => {
    expect(reviewInviteIcs(invite(), now)).toBe(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Accord//Reviews//EN',
        'METHOD:PUBLISH',
        'BEGIN:VTIMEZONE',
        'TZID:Europe/London',
        'X-LIC-LOCATION:Europe/London',
        'LAST-MODIFIED:20260715T220651Z',
        'BEGIN:DAYLIGHT',
        'TZNAME:BST',
        'TZOFFSETFROM:+0000',
        'TZOFFSETTO:+0100',
        'DTSTART:19700329T010000',
        'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
        'END:DAYLIGHT',
        'BEGIN:STANDARD',
        'TZNAME:GMT',
        'TZOFFSETFROM:+0100',
        'TZOFFSETTO:+0000',
        'DTSTART:19701025T020000',
        'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
        'END:STANDARD',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
        'UID:review-acme-weekly-1795860000000@accord',
        'SEQUENCE:0',
        'DTSTAMP:20261101T090000Z',
        'DTSTART;TZID=Europe/London:20261201T100000',
        'DTEND;TZID=Europe/London:20261201T110000',
        'SUMMARY:Weekly service review',
        'STATUS:CONFIRMED',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
  });

  it('writes London summer times in local BST with the zone defined once', () => {
    const ics = reviewInviteIcs(invite({ start: at('2026-07-01T09:00:00Z') }), now);
    expect(property(ics, 'DTSTART;')).toEqual(['DTSTART;TZID=Europe/London:20260701T100000']);
    expect(property(ics, 'DTEND')).toEqual(['DTEND;TZID=Europe/London:20260701T110000']);
    expect(count(ics, 'BEGIN:VTIMEZONE')).toBe(1);
    expect(count(ics, 'TZID:Europe/London')).toBe(1);
  });

  it('writes Manila times in Asia/Manila with its VTIMEZONE', () => {
    const ics = reviewInviteIcs(
      invite({ start: at('2026-12-01T02:00:00Z'), durationSeconds: 90 * 60, timeZone: 'Asia/Manila' }),
      now,
    );
    expect(property(ics, 'DTSTART;')).toEqual(['DTSTART;TZID=Asia/Manila:20261201T100000']);
    expect(property(ics, 'DTEND')).toEqual(['DTEND;TZID=Asia/Manila:20261201T113000']);
    expect(count(ics, 'BEGIN:VTIMEZONE')).toBe(1);
    expect(count(ics, 'TZID:Asia/Manila')).toBe(1);
    expect(ics).toContain('TZOFFSETTO:+0800');
  });

  it('ends at start plus duration in elapsed time, across the autumn clock change', () => {
    const ics = reviewInviteIcs(
      invite({ start: at('2026-10-24T23:30:00Z'), durationSeconds: 3 * 3600 }),
      now,
    );
    expect(property(ics, 'DTSTART;')).toEqual(['DTSTART;TZID=Europe/London:20261025T003000']);
    expect(property(ics, 'DTEND')).toEqual(['DTEND;TZID=Europe/London:20261025T023000']);
  });

  it('carries UID, SEQUENCE and DTSTAMP in UTC', () => {
    const ics = reviewInviteIcs(invite({ uid: 'review-r9-s2-1796032800000@accord', sequence: 3 }), now);
    expect(property(ics, 'UID')).toEqual(['UID:review-r9-s2-1796032800000@accord']);
    expect(property(ics, 'SEQUENCE')).toEqual(['SEQUENCE:3']);
    expect(property(ics, 'DTSTAMP')).toEqual(['DTSTAMP:20261101T090000Z']);
  });

  it('marks a cancelled occurrence', () => {
    const ics = reviewInviteIcs(invite({ status: 'cancelled', sequence: 1 }), now);
    expect(property(ics, 'STATUS')).toEqual(['STATUS:CANCELLED']);
    expect(property(ics, 'METHOD')).toEqual(['METHOD:PUBLISH']);
  });

  it('adds the join link, with commas and semicolons percent-encoded rather than backslash-escaped', () => {
    const plain = reviewInviteIcs(invite({ url: 'https://meet.example.com/j/123?pwd=abc' }), now);
    expect(property(plain, 'URL')).toEqual(['URL;VALUE=URI:https://meet.example.com/j/123?pwd=abc']);
    const listy = reviewInviteIcs(invite({ url: 'https://meet.example.com/j?ids=1,2;x' }), now);
    expect(property(listy, 'URL')).toEqual(['URL;VALUE=URI:https://meet.example.com/j?ids=1%2C2%3Bx']);
  });

  it('escapes user text per RFC 5545', () => {
    const ics = reviewInviteIcs(
      invite({
        title: 'Review; Q1, "budget"\nline2',
        description: 'Agenda:\r\n1. SLAs, KPIs\n2. C:\\risks; actions',
      }),
      now,
    );
    expect(property(ics, 'SUMMARY')).toEqual(['SUMMARY:Review\\; Q1\\, "budget"\\nline2']);
    expect(property(ics, 'DESCRIPTION')).toEqual([
      'DESCRIPTION:Agenda:\\n1. SLAs\\, KPIs\\n2. C:\\\\risks\\; actions',
    ]);
  });

  it('folds long lines at 75 octets without splitting characters and ends every line with CRLF', () => {
    const description = 'Überprüfung der Kennzahlen — 東京オフィス 🚀 '.repeat(12);
    const ics = reviewInviteIcs(invite({ description }), now);
    const physical = ics.split('\r\n');
    expect(physical.at(-1)).toBe('');
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of physical) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(physical.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(5);
    expect(property(ics, 'DESCRIPTION')).toEqual([`DESCRIPTION:${description}`]);
  });

  it('lists the organizer and attendees that have an address, with quote-safe names', () => {
    const ics = reviewInviteIcs(
      invite({
        organizer: { name: 'Ana "AJ" Reyes', email: 'ana@vendor.example' },
        attendees: [
          { name: 'Sam Lee', email: 'sam@client.example' },
          { name: 'Slack-only member' },
          { name: 'Line\nbreak', email: 'lb@client.example' },
        ],
      }),
      now,
    );
    expect(property(ics, 'ORGANIZER')).toEqual(['ORGANIZER;CN="Ana \'AJ\' Reyes":mailto:ana@vendor.example']);
    expect(property(ics, 'ATTENDEE')).toEqual([
      'ATTENDEE;ROLE=REQ-PARTICIPANT;CN="Sam Lee":MAILTO:sam@client.example',
      'ATTENDEE;ROLE=REQ-PARTICIPANT;CN="Line break":MAILTO:lb@client.example',
    ]);
    expect(ics).not.toContain('Slack-only member');
  });

  it('leaves out an organizer without an address', () => {
    const ics = reviewInviteIcs(invite({ organizer: { name: 'Ana Reyes' } }), now);
    expect(property(ics, 'ORGANIZER')).toEqual([]);
  });

  it.each([
    [
      'a zone whose rules changed in 2022 (no more summer time)',
      'America/Mexico_City',
      'America/Mexico_City',
      '090000',
      '-0600',
    ],
    ['an alias, by its canonical name', 'Asia/Calcutta', 'Asia/Kolkata', '203000', '+0530'],
    ['a zone renamed in 2022', 'Europe/Kyiv', 'Europe/Kyiv', '180000', '+0300'],
    ['an Etc zone, whose sign is the reverse of its offset', 'Etc/GMT-8', 'Etc/GMT-8', '230000', '+0800'],
  ])('writes local times with the VTIMEZONE of %s', (_, timeZone, named, local, offset) => {
    const ics = reviewInviteIcs(invite({ start: at('2026-07-01T15:00:00Z'), timeZone }), now);
    expect(property(ics, 'DTSTART;')).toEqual([`DTSTART;TZID=${named}:20260701T${local}`]);
    expect(count(ics, `TZID:${named}`)).toBe(1);
    expect(property(ics, 'TZOFFSETTO:')).toContain(`TZOFFSETTO:${offset}`);
  });

  it('writes UTC times without a VTIMEZONE for a name that is no zone', () => {
    const ics = reviewInviteIcs(invite({ start: at('2026-07-01T15:00:00Z'), timeZone: 'Not/A_Zone' }), now);
    expect(property(ics, 'DTSTART')).toEqual(['DTSTART:20260701T150000Z']);
    expect(property(ics, 'DTEND')).toEqual(['DTEND:20260701T160000Z']);
    expect(ics).not.toContain('VTIMEZONE');
    expect(ics).not.toContain('TZID');
  });
});

describe('ICS_CONTENT_TYPE', () => {
  it('is UTF-8 text/calendar', () => {
    expect(ICS_CONTENT_TYPE).toBe('text/calendar; charset=utf-8');
  });
});

describe('icsFileName', () => {
  const start = at('2026-12-01T10:00:00Z');

  it('slugs the title and appends the date', () => {
    expect(icsFileName('Weekly Service Review', start)).toBe('weekly-service-review-2026-12-01.ics');
    expect(icsFileName('Revue trimestrielle: équipe Café', start)).toBe(
      'revue-trimestrielle-equipe-cafe-2026-12-01.ics',
    );
  });

  it('falls back to "review" when nothing of the title survives', () => {
    expect(icsFileName('東京レビュー', start)).toBe('review-2026-12-01.ics');
    expect(icsFileName('', start)).toBe('review-2026-12-01.ics');
  });

  it.each([
    '../../etc/passwd',
    '..\\..\\windows\\system32',
    '/absolute/path',
    'a/b\\c:d*e?f"g<h>i|j',
    '...',
    `Review\u0000\r\nSet-Cookie: x=1`,
    'x'.repeat(500),
  ])('never yields a path or an unsafe name for %j', (title) => {
    const name = icsFileName(title, start);
    expect(name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*-2026-12-01\.ics$/);
    expect(name).not.toContain('..');
    expect(name.length).toBeLessThanOrEqual(75);
  });
});
