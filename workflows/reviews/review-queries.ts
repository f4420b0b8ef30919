import { and, desc, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { reviewOccurrences } from '../../db/schema/reviews';
import type { Clock } from '../core/clock';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import { DomainError } from '../core/errors';
import { formatInZone, formatSpan } from '../core/time-format';
import { nextOccurrence } from './occurrences';
import { agendaText, liveAgenda } from './review-agenda';
import { loadOccurrence } from './review-context';
import { activeSeries, attendeesOf, organiserOf, scheduleOf } from './review-series';

type Upcoming = {
  title: string;
  startsAt: Date;
  relationshipId: string;
  relationshipName: string;
  zone: string;
};

async function upcoming(db: Executor, clock: Clock, actor: PlatformIdentity): Promise<Upcoming[]> {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) {
    throw new DomainError('not_in_directory', 'You are not in the governance directory of any relationship.');
  }
  const now = clock.now();
  const found: Upcoming[] = [];
  for (const { relationshipId, personId } of memberships) {
    const directory = await loadDirectory(db, relationshipId);
    if (!directory) continue;
    const zone = directory.people.get(personId)?.timezone ?? directory.relationship.timezone;
    for (const series of await activeSeries(db, relationshipId)) {
      if (!(await attendeesOf(db, series, directory)).includes(personId)) continue;
      const off = await db
        .select({ startsAt: reviewOccurrences.startsAt })
        .from(reviewOccurrences)
        .where(
          and(
            eq(reviewOccurrences.relationshipId, relationshipId),
            eq(reviewOccurrences.seriesId, series.id),
            inArray(reviewOccurrences.status, ['skipped', 'cancelled']),
          ),
        );
      const skipped = new Set(off.map((row) => row.startsAt.getTime()));
      let after = now;
      let next = nextOccurrence(scheduleOf(series, directory.relationship.timezone), after);
      while (next && skipped.has(next.getTime())) {
        after = new Date(next.getTime() + 1);
        next = nextOccurrence(scheduleOf(series, directory.relationship.timezone), after);
      }
      if (next)
        found.push({
          title: series.title,
          startsAt: next,
          relationshipId,
          relationshipName: directory.relationship.name,
          zone,
        });
    }
  }
  return found.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** `/review next`: the person's coming meetings, soonest first, in their own time zone. */
export async function nextReviews(db: Executor, clock: Clock, actor: PlatformIdentity): Promise<string> {
  const meetings = await upcoming(db, clock, actor);
  if (meetings.length === 0) return 'You have no review meetings coming up.';
  const now = clock.now().getTime();
  return [
    'Your next review meetings:',
    ...meetings
      .slice(0, 10)
      .map(
        (m) =>
          `• ${m.title} (${m.relationshipName}): ${formatInZone(m.startsAt, m.zone)}, in ${formatSpan((m.startsAt.getTime() - now) / 1000)}`,
      ),
  ].join('\n');
}

/** `/review agenda`: the live agenda of the person's next meeting. */
export async function nextAgenda(db: Executor, clock: Clock, actor: PlatformIdentity): Promise<string> {
  const [meeting] = await upcoming(db, clock, actor);
  if (!meeting) return 'You have no review meetings coming up.';
  const agenda = await liveAgenda(db, meeting.relationshipId, clock.now());
  return `Agenda of ${meeting.title}, ${formatInZone(meeting.startsAt, meeting.zone)}:\n\n${agendaText(agenda)}`;
}

/** The meeting `/review minutes` is about: the latest ended one the person organises (or leads) without minutes. */
export async function meetingAwaitingMinutes(db: Executor, clock: Clock, actor: PlatformIdentity) {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) return undefined;
  const candidates = await db
    .select()
    .from(reviewOccurrences)
    .where(
      and(
        inArray(
          reviewOccurrences.relationshipId,
          memberships.map((m) => m.relationshipId),
        ),
        eq(reviewOccurrences.status, 'scheduled'),
        isNull(reviewOccurrences.minutesAt),
        lte(reviewOccurrences.startsAt, clock.now()),
      ),
    )
    .orderBy(desc(reviewOccurrences.startsAt))
    .limit(20);
  for (const candidate of candidates) {
    const context = await loadOccurrence(db, candidate.id);
    const personId = memberships.find((m) => m.relationshipId === candidate.relationshipId)?.personId;
    if (!context || !personId) continue;
    const ended =
      candidate.startsAt.getTime() + context.series.durationSeconds * 1000 <= clock.now().getTime();
    const leads =
      personId === organiserOf(context.series, context.attendees, context.directory) ||
      personId === context.directory.executive;
    if (ended && leads) return context;
  }
  return undefined;
}
