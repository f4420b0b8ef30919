import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema/audit';
import { reviewOccurrences, reviewRsvps } from '../../db/schema/reviews';
import type { Clock } from '../core/clock';
import { directMessageTo, type PlatformIdentity } from '../core/directory';
import { DomainError } from '../core/errors';
import { formatInZone } from '../core/time-format';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import { loadOccurrence, personIn, type ReviewContext, reviewTopic } from './review-context';
import { tallyNotice } from './review-notices';

/**
 * Attend / Can't attend. The answer is recorded (a second click changes it), the person is told
 * the count, and the organiser's tally message is updated.
 */
export async function recordRsvp(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: { actor: PlatformIdentity; occurrenceId: number; response: 'yes' | 'no' },
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const context = await loadOccurrence(work.tx, input.occurrenceId, true);
    if (!context) throw new DomainError('unknown_meeting', 'That meeting no longer exists.');
    const personId = personIn(context, input.actor);
    if (!context.attendees.includes(personId)) {
      throw new DomainError('not_invited', `You are not invited to ${context.series.title}.`);
    }
    const now = deps.clock.now();
    if (context.occurrence.status !== 'scheduled') {
      throw new DomainError(
        'meeting_off',
        `${context.series.title} of that day is ${context.occurrence.status}.`,
      );
    }
    await work.tx
      .insert(reviewRsvps)
      .values({ occurrenceId: context.occurrence.id, personId, response: input.response, at: now })
      .onConflictDoUpdate({
        target: [reviewRsvps.occurrenceId, reviewRsvps.personId],
        set: { response: input.response, at: now },
      });
    await work.tx.insert(auditEvents).values({
      at: now,
      relationshipId: context.series.relationshipId,
      actor: personId,
      kind: input.response === 'yes' ? 'review.attending' : 'review.declined',
      subject: reviewTopic(context.occurrence.id),
    });
    const { attending, declined } = await refreshTally(work, context);
    const zone = context.directory.people.get(personId)?.timezone ?? context.directory.relationship.timezone;
    const start = formatInZone(context.occurrence.startsAt, zone);
    const answer = input.response === 'yes' ? 'You are attending' : "You can't attend";
    return `${answer} ${context.series.title} on ${start}. So far ${attending.length} attending, ${declined.length} can't attend, of ${context.attendees.length} invited.`;
  });
}

/**
 * Posts the organiser's tally at the first answer (not with the reminders, which would double the
 * messages of a reminder run), and updates that same message afterwards.
 */
export async function refreshTally(work: Work, context: ReviewContext) {
  const answers = await work.tx
    .select()
    .from(reviewRsvps)
    .where(eq(reviewRsvps.occurrenceId, context.occurrence.id));
  const attending = answers.filter((a) => a.response === 'yes').map((a) => a.personId);
  const declined = answers.filter((a) => a.response === 'no').map((a) => a.personId);
  const organiser = context.organiser ? context.directory.people.get(context.organiser) : undefined;
  const recipient = organiser && directMessageTo(organiser);
  if (!organiser || !recipient) return { attending, declined };
  const notice = tallyNotice({
    series: context.series,
    occurrence: context.occurrence,
    directory: context.directory,
    organiser: organiser.id,
    attending,
    declined,
    invited: context.attendees.length,
  });
  const options = {
    relationshipId: context.series.relationshipId,
    topic: reviewTopic(context.occurrence.id),
  };
  if (context.occurrence.tallyOutboxId !== null) {
    await work.queueNotice(recipient, notice, { ...options, updateOf: context.occurrence.tallyOutboxId });
  } else {
    const outboxId = await work.queueNotice(recipient, notice, options);
    await work.tx
      .update(reviewOccurrences)
      .set({ tallyOutboxId: outboxId })
      .where(eq(reviewOccurrences.id, context.occurrence.id));
  }
  return { attending, declined };
}
