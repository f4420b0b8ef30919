import type { RelationshipDirectory } from '../core/directory';
import { timeZoneOf } from '../core/directory';
import type { Notice } from '../core/notice';
import { formatInZone, formatSpan } from '../core/time-format';
import { type Agenda, agendaText } from './review-agenda';
import type { Series } from './review-series';

export const REVIEW_ACTIONS = {
  attend: 'review.attend',
  decline: 'review.decline',
  addItem: 'review.agenda',
  minutes: 'review.minutes',
} as const;

type Occurrence = { id: number; startsAt: Date };

const when = (occurrence: Occurrence, directory: RelationshipDirectory, personId: string | undefined) =>
  formatInZone(
    occurrence.startsAt,
    timeZoneOf(personId ? directory.people.get(personId) : undefined, directory.relationship),
  );

/** The reminder each attendee gets, in their own time zone, with the agenda as it is now. */
export function reminderNotice(input: {
  series: Series;
  occurrence: Occurrence;
  directory: RelationshipDirectory;
  personId: string;
  agenda: Agenda;
  calendarUrl: string;
}): Notice {
  const { series, occurrence, directory, personId } = input;
  const fields = [
    { label: 'Starts', value: when(occurrence, directory, personId) },
    { label: 'Duration', value: formatSpan(series.durationSeconds) },
    { label: 'Relationship', value: directory.relationship.name },
  ];
  if (series.joinUrl) fields.push({ label: 'Join', value: series.joinUrl });
  fields.push({ label: 'Add to calendar', value: input.calendarUrl });
  const value = String(input.occurrence.id);
  return {
    title: series.title,
    text: agendaText(input.agenda),
    fields,
    actions: [
      { id: REVIEW_ACTIONS.attend, label: 'Attend', value, style: 'primary' },
      { id: REVIEW_ACTIONS.decline, label: "Can't attend", value },
      { id: REVIEW_ACTIONS.addItem, label: 'Add agenda item', value },
    ],
    fallback: `${series.title} starts ${when(occurrence, directory, personId)}`,
  };
}

/** The organiser's running count of answers, updated as people answer. */
export function tallyNotice(input: {
  series: Series;
  occurrence: Occurrence;
  directory: RelationshipDirectory;
  organiser: string;
  attending: string[];
  declined: string[];
  invited: number;
}): Notice {
  const names = (ids: string[]) =>
    ids.map((id) => input.directory.people.get(id)?.name ?? id).join(', ') || 'nobody yet';
  return {
    title: `${input.series.title}: who is coming`,
    fields: [
      { label: 'Starts', value: when(input.occurrence, input.directory, input.organiser) },
      { label: `Attending (${input.attending.length} of ${input.invited})`, value: names(input.attending) },
      { label: `Can't attend (${input.declined.length})`, value: names(input.declined) },
    ],
    fallback: `${input.series.title}: ${input.attending.length} attending, ${input.declined.length} can't attend`,
  };
}

/** After the meeting: the organiser is asked for the minutes. */
export function minutesRequest(
  series: Series,
  occurrence: Occurrence,
  directory: RelationshipDirectory,
  organiser: string,
): Notice {
  return {
    title: `Minutes for ${series.title}`,
    text: `The meeting of ${when(occurrence, directory, organiser)} has ended. Record the notes, the decisions and the action items: each action item joins the issue list with its owner and due date.`,
    actions: [
      { id: REVIEW_ACTIONS.minutes, label: 'Write minutes', value: String(occurrence.id), style: 'primary' },
    ],
    fallback: `Please write the minutes of ${series.title}`,
  };
}
