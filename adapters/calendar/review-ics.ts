import { TZDate, tzOffset, tzScan } from '@date-fns/tz';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

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
    timezone: { name: null, generator: getVtimezoneComponent },
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

// @touch4it/ical-timezones ships tzurl data from 2018: aliases resolve to another TZID, Etc/GMT±N carry inverted
// offsets and zones such as Mexico City, Sao Paulo, Tehran or Cairo have changed rules since. Outlook trusts the
// VTIMEZONE, so a stale one moves the meeting; UTC times put it at the right instant in every client instead.
function trustedZone(timeZone: string, start: Date): string | null {
  const vtimezone = getVtimezoneComponent(timeZone);
  if (!vtimezone || vtimezone.match(/^TZID:(.*)$/m)?.[1]?.trim() !== timeZone) return null;
  const declared = new Set([...vtimezone.matchAll(/^TZOFFSETTO:([+-])(\d{2})(\d{2})/gm)].map(offsetMinutes));
  const actual = new Set([
    tzOffset(timeZone, start),
    ...tzScan(timeZone, { start, end: new Date(start.getTime() + YEAR_MS) }).map((change) => change.offset),
  ]);
  return declared.size === actual.size && [...declared].every((offset) => actual.has(offset))
    ? timeZone
    : null;
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
