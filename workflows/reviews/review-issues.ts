import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema/audit';
import { issues } from '../../db/schema/issues';
import { reviewOccurrences } from '../../db/schema/reviews';
import type { Clock } from '../core/clock';
import {
  directMessageTo,
  nameOf,
  type PlatformIdentity,
  type RelationshipDirectory,
} from '../core/directory';
import { DomainError } from '../core/errors';
import type { Notice } from '../core/notice';
import { formatInZone } from '../core/time-format';
import type { UnitOfWork } from '../core/unit-of-work';
import { proposeIssueIn, schedulePublication, syncDueReminders } from '../issues/index';
import { loadOccurrence, personIn, reviewTopic } from './review-context';
import { agendaItemFields, firstMessage, minutesFields, parseActionItems } from './review-input';

type Deps = { unitOfWork: UnitOfWork; clock: Clock };

export class ReviewInputError extends DomainError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super('invalid_input', message);
  }
}

/** "Add agenda item": proposes an issue, linked to the meeting, for the issue list's approvers. */
export async function addAgendaItem(
  deps: Deps,
  input: { actor: PlatformIdentity; occurrenceId: number; title: string; description?: string },
): Promise<string> {
  const parsed = agendaItemFields.safeParse(input);
  if (!parsed.success) {
    const problem = firstMessage(parsed.error);
    throw new ReviewInputError(problem.message, problem.field);
  }
  return deps.unitOfWork(async (work) => {
    const context = await loadOccurrence(work.tx, input.occurrenceId);
    if (!context) throw new DomainError('unknown_meeting', 'That meeting no longer exists.');
    const { message } = await proposeIssueIn(work, deps.clock, {
      relationshipId: context.series.relationshipId,
      proposedBy: personIn(context, input.actor),
      title: parsed.data.title,
      description: parsed.data.description,
      origin: 'agenda',
      reviewOccurrenceId: context.occurrence.id,
    });
    return `${message} It is on the agenda of ${context.series.title}.`;
  });
}

/**
 * The minutes of a meeting, recorded by its organiser or the executive: stored with the meeting,
 * each action item joins the issue list with its owner and due date, and the minutes go to the
 * governance channel and to every attendee.
 */
export async function recordMinutes(
  deps: Deps,
  input: {
    actor: PlatformIdentity;
    occurrenceId: number;
    notes?: string;
    decisions?: string;
    actionItems?: string;
  },
): Promise<string> {
  const parsed = minutesFields.safeParse(input);
  if (!parsed.success) {
    const problem = firstMessage(parsed.error);
    throw new ReviewInputError(problem.message, problem.field);
  }
  const items = parseActionItems(parsed.data.actionItems);
  if ('error' in items) throw new ReviewInputError(items.error, 'actionItems');
  return deps.unitOfWork(async (work) => {
    const context = await loadOccurrence(work.tx, input.occurrenceId, true);
    if (!context) throw new DomainError('unknown_meeting', 'That meeting no longer exists.');
    const { directory, series, occurrence } = context;
    const personId = personIn(context, input.actor);
    if (personId !== context.organiser && personId !== directory.executive) {
      throw new DomainError(
        'not_allowed',
        `Only the organiser (${nameOf(directory, context.organiser)}) or the escalation executive can record the minutes.`,
      );
    }
    const owners = items.items.map((item) => (item.owner ? ownerId(directory, item.owner) : undefined));
    const unknown = items.items.findIndex((item, index) => item.owner && !owners[index]);
    if (unknown >= 0) {
      throw new ReviewInputError(
        `Action item ${unknown + 1}: "${items.items[unknown]?.owner}" is not a person of ${directory.relationship.name}.`,
        'actionItems',
      );
    }
    const now = deps.clock.now();
    const created: string[] = [];
    const createdIssues: (typeof issues.$inferSelect)[] = [];
    for (const [index, item] of items.items.entries()) {
      const [issue] = await work.tx
        .insert(issues)
        .values({
          relationshipId: series.relationshipId,
          title: item.title,
          status: 'open',
          proposedBy: personId,
          owner: owners[index],
          dueDate: item.due,
          origin: 'minutes',
          reviewOccurrenceId: occurrence.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!issue) continue;
      createdIssues.push(issue);
      const details = [issue.owner && nameOf(directory, issue.owner), issue.dueDate && `due ${issue.dueDate}`]
        .filter(Boolean)
        .join(', ');
      created.push(`ISS-${issue.id} ${issue.title}${details ? ` (${details})` : ''}`);
    }
    for (const issue of createdIssues) await syncDueReminders(work, issue, directory, now);
    if (createdIssues.length > 0) await schedulePublication(work, series.relationshipId, now);
    const minutes = { notes: parsed.data.notes, decisions: parsed.data.decisions, actionItems: items.items };
    await work.tx
      .update(reviewOccurrences)
      .set({ minutes, minutesBy: personId, minutesAt: now })
      .where(eq(reviewOccurrences.id, occurrence.id));
    await work.tx.insert(auditEvents).values({
      at: now,
      relationshipId: series.relationshipId,
      actor: personId,
      kind: 'review.minutes_recorded',
      subject: reviewTopic(occurrence.id),
      data: { actionItems: created },
    });
    const notice: Notice = {
      title: `Minutes: ${series.title}, ${formatInZone(occurrence.startsAt, directory.relationship.timezone)}`,
      text: [
        parsed.data.notes && `Notes:\n${parsed.data.notes}`,
        parsed.data.decisions && `Decisions:\n${parsed.data.decisions}`,
        `Action items:\n${created.length ? created.map((line) => `• ${line}`).join('\n') : '• none'}`,
      ]
        .filter(Boolean)
        .join('\n\n'),
      fields: [{ label: 'Recorded by', value: nameOf(directory, personId) }],
      fallback: `Minutes of ${series.title}`,
    };
    const options = { relationshipId: series.relationshipId, topic: reviewTopic(occurrence.id) };
    const { slackChannel, teamsChannel } = directory.relationship;
    if (slackChannel) await work.queueNotice({ platform: 'slack', channel: slackChannel }, notice, options);
    if (teamsChannel)
      await work.queueNotice({ platform: 'teams', conversationId: teamsChannel }, notice, options);
    for (const attendee of context.attendees) {
      const person = directory.people.get(attendee);
      const recipient = person && directMessageTo(person);
      if (recipient) await work.queueNotice(recipient, notice, options);
    }
    return `The minutes of ${series.title} are recorded${created.length ? `; ${created.length} action item${created.length === 1 ? '' : 's'} joined the issue list` : ''}, and went to the attendees${slackChannel || teamsChannel ? ' and the governance channel' : ''}.`;
  });
}

function ownerId(directory: RelationshipDirectory, owner: string): string | undefined {
  const wanted = owner.replace(/^@/, '').toLowerCase();
  for (const person of directory.people.values()) {
    if (person.id.toLowerCase() === wanted || person.name.toLowerCase() === wanted) return person.id;
  }
  return undefined;
}
