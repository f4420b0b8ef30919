import { TZDate, tzOffset, tzScan } from '@date-fns/tz';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { isTimeZone } from '../../workflows/governance/governance-values';

export type ReviewInvite = {
  uid: string;
  sequence: number;
  title: string;
  description?: string;
  start: Date;
  durationSeconds: number;
  timeZone: string;
  url?: string;
  organizer?: { name: string; email?: string };
  attendees: { name: string; email?: string }[];
  status?: 'confirmed' | 'cancelled';
};

export const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8';

const YEAR_MS = 366 * 24 * 3600 * 1000;

export function reviewInviteIcs(invite: ReviewInvite, now: Date): string {
  const zone = trustedZone(invite.timeZone, invite.start);
  // ical-generator formats a plain Date carrying a TZID with the host's local getters; a TZDate reads in the zone.
  const at = (millis: number) => (zone ? new TZDate(millis, zone) : new Date(millis));
  const calendar = ical({
    prodId: { company: 'Accord', product: 'Reviews' },
    method: ICalCalendarMethod.PUBLISH,
    // A calendar-level zone name would also write DTSTAMP as local time without Z, which RFC 5545 forbids.
    timezone: { name: null, generator: vtimezoneOf },
  });
  calendar.createEvent({
    id: invite.uid,
    sequence: invite.sequence,
    stamp: now,
    start: at(invite.start.getTime()),
    end: at(invite.start.getTime() + invite.durationSeconds * 1000),
    timezone: zone,
    summary: invite.title,
    description: invite.description ?? null,
    url: invite.url ? uriValue(invite.url) : null,
    // The library requires an address for ORGANIZER and ATTENDEE, so people without one are left out.
    organizer: invite.organizer?.email
      ? { name: paramText(invite.organizer.name), email: invite.organizer.email }
      : null,
    attendees: invite.attendees.flatMap(({ name, email }) =>
      email ? [{ name: paramText(name), email }] : [],
    ),
    status: invite.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  // RFC 5545 ends every content line with CRLF, the last one included; the library stops at END:VCALENDAR.
  return `${calendar.toString()}\r\n`;
}

export function icsFileName(title: string, start: Date): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  return `${slug || 'review'}-${start.toISOString().slice(0, 10)}.ics`;
}

/** The VTIMEZONE of an IANA zone (an alias gets its canonical zone's), or null for no known zone. */
function vtimezoneOf(timeZone: string): string | null {
  // The library writes a line to the console for a name it does not know.
  if (!isTimeZone(timeZone)) return null;
  const block = tzlib_get_ical_block(timeZone);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

// Outlook trusts the VTIMEZONE: one that declares other offsets than the zone has now (its bundled IANA
// data older than a rule change) would move the meeting. The invite then gives UTC times, right in
// every client. The zone is named as its VTIMEZONE names it: an alias (Asia/Calcutta) by its canonical name.
function trustedZone(timeZone: string, start: Date): string | null {
  const vtimezone = vtimezoneOf(timeZone);
  const named = vtimezone?.match(/^TZID:(.*)$/m)?.[1]?.trim();
  if (!vtimezone || !named) return null;
  const declared = new Set([...vtimezone.matchAll(/^TZOFFSETTO:([+-])(\d{2})(\d{2})/gm)].map(offsetMinutes));
  const actual = new Set([
    tzOffset(timeZone, start),
    ...tzScan(timeZone, { start, end: new Date(start.getTime() + YEAR_MS) }).map((change) => change.offset),
  ]);
  return declared.size === actual.size && [...declared].every((offset) => actual.has(offset)) ? named : null;
}

function offsetMinutes([, sign, hours, minutes]: RegExpMatchArray): number {
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

// Quoted parameter values cannot hold DQUOTE or line breaks, and the library escapes them in a way clients misread.
function paramText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replaceAll('"', "'");
}

// The library escapes URI values like TEXT, and a backslash would break the link, so these characters go encoded.
function uriValue(url: string): string {
  return url.replace(/[,;]/g, encodeURIComponent);
}
