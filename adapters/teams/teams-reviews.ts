import { chooseRelationship, findMemberships } from '../../workflows/core/directory';
import {
  addAgendaItem,
  callOffNext,
  loadOccurrence,
  meetingAwaitingMinutes,
  nextAgenda,
  nextReviews,
  parseSchedulePhrase,
  REVIEW_ACTIONS,
  ReviewInputError,
  recordMinutes,
  recordRsvp,
  SCHEDULE_FORMS,
  scheduleReview,
} from '../../workflows/reviews/index';
import { type CommandDeps, explain } from '../commands/command-deps';
import { parseReviewCommand, reviewHelp } from '../commands/review-command';
import { type Answer, confirmationCard, NOT_IN_DIRECTORY, NOT_OURS, type TeamsActor } from './teams-answers';
import {
  AGENDA_INPUTS,
  AGENDA_SAVE_VERB,
  agendaItemCard,
  type FormError,
  MINUTES_INPUTS,
  MINUTES_SAVE_VERB,
  minutesCard,
  readForm,
} from './teams-review-cards';

const GONE = 'That meeting no longer exists.';

const REVIEW_VERBS: string[] = [...Object.values(REVIEW_ACTIONS), AGENDA_SAVE_VERB, MINUTES_SAVE_VERB];

/** Whether a card action belongs to review meetings. */
export const isReviewVerb = (verb: string) => REVIEW_VERBS.includes(verb);

export const reviewUsage = () => reviewHelp('review', SCHEDULE_FORMS);

const meetingName = (meeting: { series: { title: string }; directory: { relationship: { name: string } } }) =>
  `${meeting.series.title} (${meeting.directory.relationship.name})`;

/** `review ...` typed in a chat or channel: the same answers as `/review` in Slack. */
export async function answerReviewCommand(
  deps: CommandDeps,
  actor: TeamsActor,
  text: string,
): Promise<Answer> {
  const { identity } = actor;
  const parsed = parseReviewCommand(text);
  try {
    if (parsed.kind === 'help') return { message: reviewUsage() };
    if (parsed.kind === 'invalid') return { message: `${parsed.message}\n\n${reviewUsage()}` };
    if ((await findMemberships(deps.db, identity)).length === 0) return { message: NOT_IN_DIRECTORY };
    switch (parsed.kind) {
      case 'next':
        return { message: await nextReviews(deps.db, deps.clock, identity) };
      case 'agenda':
        return { message: await nextAgenda(deps.db, deps.clock, identity) };
      case 'minutes': {
        const meeting = await meetingAwaitingMinutes(deps.db, deps.clock, identity);
        if (!meeting) return { message: 'No meeting you organise is waiting for its minutes.' };
        return { card: minutesCard(meeting.occurrence.id, meetingName(meeting)) };
      }
      case 'schedule':
      case 'cancel':
      case 'skip': {
        const choice = await chooseRelationship(deps.db, identity, actor.channel);
        if (choice.kind === 'none') return { message: NOT_IN_DIRECTORY };
        if (choice.kind === 'several') {
          return {
            message:
              'You belong to several relationships: type this in the governance channel of the one you mean.',
          };
        }
        if (parsed.kind === 'schedule') {
          const phrase = parseSchedulePhrase(parsed.phrase);
          if (!phrase.ok) return { message: phrase.message };
          return {
            message: await scheduleReview(deps, {
              relationshipId: choice.relationshipId,
              personId: choice.personId,
              title: phrase.title,
              schedule: phrase.schedule,
            }),
          };
        }
        return {
          message: await callOffNext(deps, {
            actor: identity,
            relationshipId: choice.relationshipId,
            personId: choice.personId,
            ...(parsed.seriesId ? { seriesId: parsed.seriesId } : {}),
            how: parsed.kind === 'cancel' ? 'cancelled' : 'skipped',
          }),
        };
      }
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

/**
 * A click on a reminder, a minutes request or a review form, as `{ action, value }` with the
 * occurrence id as value and the form's inputs merged in. An RSVP answers with a message only, so
 * the reminder card stays; a form answers with the card it should show now.
 */
export async function answerReviewAction(
  deps: CommandDeps,
  actor: TeamsActor,
  verb: string,
  data: Record<string, unknown>,
): Promise<Answer> {
  const value = typeof data.value === 'string' ? data.value : '';
  if (!/^\d{1,9}$/.test(value)) return { message: NOT_OURS };
  const occurrenceId = Number(value);
  const { identity } = actor;
  try {
    switch (verb) {
      case REVIEW_ACTIONS.attend:
      case REVIEW_ACTIONS.decline: {
        const response = verb === REVIEW_ACTIONS.attend ? 'yes' : 'no';
        return { message: await recordRsvp(deps, { actor: identity, occurrenceId, response }) };
      }
      case REVIEW_ACTIONS.addItem: {
        const meeting = await loadOccurrence(deps.db, occurrenceId);
        return meeting ? { card: agendaItemCard(occurrenceId) } : { message: GONE };
      }
      case REVIEW_ACTIONS.minutes: {
        const meeting = await loadOccurrence(deps.db, occurrenceId);
        return meeting ? { card: minutesCard(occurrenceId, meetingName(meeting)) } : { message: GONE };
      }
      case AGENDA_SAVE_VERB:
        return await saveAgendaItem(deps, actor, occurrenceId, data);
      case MINUTES_SAVE_VERB:
        return await saveMinutes(deps, actor, occurrenceId, data);
      default:
        return { message: NOT_OURS };
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

async function saveAgendaItem(
  deps: CommandDeps,
  actor: TeamsActor,
  occurrenceId: number,
  data: Record<string, unknown>,
): Promise<Answer> {
  const values = readForm(data, AGENDA_INPUTS);
  try {
    const message = await addAgendaItem(deps, {
      actor: actor.identity,
      occurrenceId,
      title: values.title ?? '',
      description: values.description,
    });
    return { card: confirmationCard('Agenda item added', message) };
  } catch (error) {
    const problem = formError(error);
    if (!problem) throw error;
    return { card: agendaItemCard(occurrenceId, values, problem) };
  }
}

async function saveMinutes(
  deps: CommandDeps,
  actor: TeamsActor,
  occurrenceId: number,
  data: Record<string, unknown>,
): Promise<Answer> {
  const values = readForm(data, MINUTES_INPUTS);
  try {
    const message = await recordMinutes(deps, {
      actor: actor.identity,
      occurrenceId,
      notes: values.notes,
      decisions: values.decisions,
      actionItems: values.actionItems,
    });
    return { card: confirmationCard('Minutes recorded', message) };
  } catch (error) {
    const problem = formError(error);
    if (!problem) throw error;
    const meeting = await loadOccurrence(deps.db, occurrenceId);
    if (!meeting) return { message: GONE };
    return { card: minutesCard(occurrenceId, meetingName(meeting), values, problem) };
  }
}

const formError = (error: unknown): FormError | undefined =>
  error instanceof ReviewInputError ? { field: error.field, message: error.message } : undefined;
