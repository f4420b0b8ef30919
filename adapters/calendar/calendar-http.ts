import type { IncomingMessage, ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { reviewOccurrences } from '../../db/schema/reviews';
import { loadOccurrence } from '../../workflows/reviews/index';
import { ICS_CONTENT_TYPE, icsFileName, reviewInviteIcs } from './review-ics';

export const CALENDAR_PATH = '/calendar/';

export const calendarUrl = (baseUrl: string) => (token: string) => `${baseUrl}${CALENDAR_PATH}${token}.ics`;

/**
 * Serves one meeting as an .ics file at an unguessable address (a random token per meeting), so a
 * link in a reminder works from any calendar app without signing in, and leaks nothing else.
 */
export function createCalendarHandler(db: Database, now: () => Date) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const token = /^\/calendar\/([A-Za-z0-9_-]{20,64})\.ics$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
    const [row] = token
      ? await db
          .select({ id: reviewOccurrences.id })
          .from(reviewOccurrences)
          .where(eq(reviewOccurrences.calendarToken, token))
      : [];
    const context = row && (await loadOccurrence(db, row.id));
    if (!context) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('No such meeting.\n');
      return;
    }
    const { occurrence, series, directory, attendees, organiser } = context;
    const person = (id: string) => {
      const found = directory.people.get(id);
      return { name: found?.name ?? id, ...(found?.email ? { email: found.email } : {}) };
    };
    const body = reviewInviteIcs(
      {
        uid: `review-${occurrence.relationshipId}-${occurrence.seriesId}-${occurrence.startsAt.getTime()}@accord`,
        sequence: occurrence.sequence,
        title: series.title,
        description: `${directory.relationship.name}: ${series.title}`,
        start: occurrence.startsAt,
        durationSeconds: series.durationSeconds,
        timeZone: directory.relationship.timezone,
        ...(series.joinUrl ? { url: series.joinUrl } : {}),
        ...(organiser ? { organizer: person(organiser) } : {}),
        attendees: attendees.map(person),
        status: occurrence.status === 'scheduled' ? 'confirmed' : 'cancelled',
      },
      now(),
    );
    res.writeHead(200, {
      'content-type': ICS_CONTENT_TYPE,
      'content-disposition': `attachment; filename="${icsFileName(series.title, occurrence.startsAt)}"`,
      'cache-control': 'no-store',
    });
    res.end(body);
  };
}
