import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema/audit';
import { reviewOccurrences, reviewSeries } from '../../db/schema/reviews';
import type { Clock } from '../core/clock';
import { directMessageTo, loadDirectory, type PlatformIdentity } from '../core/directory';
import { DomainError } from '../core/errors';
import { formatInZone } from '../core/time-format';
import type { UnitOfWork } from '../core/unit-of-work';
import { localTimeToInstant } from './occurrences';
import { reviewTopic } from './review-context';
import { activeSeries, attendeesOf, organiserOf, type Series } from './review-series';
import { ensureOccurrence, syncSeries } from './sync-reviews';

type Deps = { unitOfWork: UnitOfWork; clock: Clock };

/** Defaults for a meeting scheduled in chat: an hour long, reminded a day and 15 minutes before. */
const CHAT_DURATION_SECONDS = 3600;
const CHAT_REMINDERS = [86_400, 900];

export type ChatSchedule =
  | { kind: 'recurring'; rrule: string; localTime: string }
  | { kind: 'once'; localDate: string; localTime: string };

/** `/review schedule <when> <title>`: a series of the relationship, inviting everyone in it. */
export async function scheduleReview(
  deps: Deps,
  input: { relationshipId: string; personId: string; title: string; schedule: ChatSchedule },
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const directory = await loadDirectory(work.tx, input.relationshipId);
    if (!directory?.people.has(input.personId))
      throw new DomainError('not_in_directory', 'You are not part of that relationship.');
    const zone = directory.relationship.timezone;
    let startsAt: Date | null = null;
    if (input.schedule.kind === 'once') {
      startsAt = localTimeToInstant(input.schedule.localDate, input.schedule.localTime, zone);
      if (startsAt.getTime() <= now.getTime()) {
        throw new DomainError(
          'invalid_input',
          `${input.schedule.localDate} ${input.schedule.localTime} (${zone}) is in the past.`,
        );
      }
    }
    const [series] = await work.tx
      .insert(reviewSeries)
      .values({
        relationshipId: directory.relationship.id,
        id: `chat-${randomBytes(4).toString('hex')}`,
        title: input.title,
        rrule: input.schedule.kind === 'recurring' ? input.schedule.rrule : null,
        localTime: input.schedule.kind === 'recurring' ? input.schedule.localTime : null,
        startsAt,
        durationSeconds: CHAT_DURATION_SECONDS,
        remindBeforeSeconds: CHAT_REMINDERS,
        source: 'chat',
        scheduledBy: input.personId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!series) throw new Error('series insert returned no row');
    const next = await syncSeries(work, series, zone, now);
    await work.tx.insert(auditEvents).values({
      at: now,
      relationshipId: series.relationshipId,
      actor: input.personId,
      kind: 'review.scheduled',
      subject: `review-series:${series.relationshipId}/${series.id}`,
      data: {
        title: series.title,
        rrule: series.rrule,
        localTime: series.localTime,
        startsAt: startsAt?.toISOString() ?? null,
      },
    });
    const personZone = directory.people.get(input.personId)?.timezone ?? zone;
    return next
      ? `Scheduled "${series.title}" (${series.id}); the next meeting is ${formatInZone(next, personZone)}. Everyone in ${directory.relationship.name} is invited and reminded a day and 15 minutes before.`
      : `Scheduled "${series.title}" (${series.id}), but it has no meeting in the coming year.`;
  });
}

/**
 * `/review cancel` and `/review skip`: the next meeting of a series does not take place. Cancelling
 * tells the attendees; skipping is quiet. The reminders move on to the meeting after it.
 */
export async function callOffNext(
  deps: Deps,
  input: {
    actor: PlatformIdentity;
    relationshipId: string;
    personId: string;
    seriesId?: string;
    how: 'cancelled' | 'skipped';
  },
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const directory = await loadDirectory(work.tx, input.relationshipId);
    if (!directory) throw new DomainError('unknown_relationship', 'That relationship no longer exists.');
    const series = await pickSeries(work.tx, input.relationshipId, input.seriesId);
    const attendees = await attendeesOf(work.tx, series, directory);
    const organiser = organiserOf(series, attendees, directory);
    if (input.personId !== organiser && input.personId !== directory.executive) {
      throw new DomainError(
        'not_allowed',
        `Only the organiser or the escalation executive can call off ${series.title}.`,
      );
    }
    const next = await syncSeries(work, series, directory.relationship.timezone, now);
    if (!next) throw new DomainError('no_meeting', `${series.title} has no upcoming meeting.`);
    const occurrence = await ensureOccurrence(work, series, next);
    await work.tx
      .update(reviewOccurrences)
      .set({ status: input.how, sequence: occurrence.sequence + 1 })
      .where(and(eq(reviewOccurrences.id, occurrence.id)));
    const following = await syncSeries(work, series, directory.relationship.timezone, now);
    await work.tx.insert(auditEvents).values({
      at: now,
      relationshipId: series.relationshipId,
      actor: input.personId,
      kind: `review.${input.how}`,
      subject: reviewTopic(occurrence.id),
    });
    if (input.how === 'cancelled') {
      for (const attendee of attendees) {
        const person = directory.people.get(attendee);
        const recipient = person && directMessageTo(person);
        if (!recipient || attendee === input.personId) continue;
        const zone = person.timezone ?? directory.relationship.timezone;
        await work.queueNotice(
          recipient,
          {
            title: `Cancelled: ${series.title}`,
            text: `The meeting of ${formatInZone(next, zone)} is cancelled by ${directory.people.get(input.personId)?.name ?? input.personId}.${following ? ` The next one is ${formatInZone(following, zone)}.` : ''}`,
            fallback: `Cancelled: ${series.title}, ${formatInZone(next, zone)}`,
          },
          { relationshipId: series.relationshipId, topic: reviewTopic(occurrence.id) },
        );
      }
    }
    const zone = directory.people.get(input.personId)?.timezone ?? directory.relationship.timezone;
    return `${series.title} of ${formatInZone(next, zone)} is ${input.how}${input.how === 'cancelled' ? ' and the attendees are told' : ''}.${following ? ` Next: ${formatInZone(following, zone)}.` : ''}`;
  });
}

async function pickSeries(
  tx: Parameters<typeof activeSeries>[0],
  relationshipId: string,
  seriesId?: string,
): Promise<Series> {
  const all = await activeSeries(tx, relationshipId);
  if (seriesId) {
    const found = all.find((series) => series.id === seriesId);
    if (!found)
      throw new DomainError(
        'unknown_series',
        `There is no review series "${seriesId}". Series: ${all.map((s) => s.id).join(', ') || 'none'}.`,
      );
    return found;
  }
  if (all.length === 1 && all[0]) return all[0];
  if (all.length === 0) throw new DomainError('unknown_series', 'This relationship has no review meetings.');
  throw new DomainError(
    'choose_series',
    `Name the series: ${all.map((s) => `${s.id} (${s.title})`).join(', ')}.`,
  );
}
