import type { Attachment } from 'botbuilder';
import { ITEM_TITLE_MAX, TEXT_MAX } from '../../workflows/reviews/index';
import {
  adaptiveCard,
  errorBlock,
  executeAction,
  headingBlock,
  readFormValues,
  textBlock,
} from './teams-card-kit';

export const AGENDA_SAVE_VERB = 'review.agenda.save';
export const MINUTES_SAVE_VERB = 'review.minutes.save';

// The same limits as the review workflow's validation, so the client stops typing where it would refuse.

export type FormError = { field: string; message: string };
export type FormValues = Record<string, string | undefined>;

type Field = {
  id: string;
  label: string;
  max: number;
  multiline?: boolean;
  required?: boolean;
  hint?: string;
};

const AGENDA_FIELDS: Field[] = [
  { id: 'title', label: 'Title', max: ITEM_TITLE_MAX, required: true },
  { id: 'description', label: 'Description', max: TEXT_MAX, multiline: true },
];

const MINUTES_FIELDS: Field[] = [
  { id: 'notes', label: 'Notes', max: TEXT_MAX, multiline: true },
  { id: 'decisions', label: 'Decisions', max: TEXT_MAX, multiline: true },
  {
    id: 'actionItems',
    label: 'Action items',
    max: TEXT_MAX,
    multiline: true,
    hint: 'One per line: title | owner | due date (YYYY-MM-DD). Each joins the issue list.',
  },
];

/**
 * A review form as an Adaptive Card 1.5. Inputs show plain text, so typed values go back as they
 * were; only TextBlocks (heading, hint, error) pass through the markdown escaper. The occurrence id
 * rides in the action data, as the reminder's buttons carry it.
 */
function formCard(input: {
  heading: string;
  subheading?: string;
  verb: string;
  occurrenceId: number;
  fields: Field[];
  values?: FormValues;
  error?: FormError;
}): Attachment {
  const values = input.values ?? {};
  const errorField = input.fields.some((field) => field.id === input.error?.field)
    ? input.error?.field
    : input.fields[0]?.id;
  const body: Record<string, unknown>[] = [headingBlock(input.heading)];
  if (input.subheading) body.push(textBlock(input.subheading, { isSubtle: true }));
  for (const field of input.fields) {
    const value = values[field.id];
    body.push({
      type: 'Input.Text',
      id: field.id,
      label: field.label,
      maxLength: field.max,
      ...(field.multiline ? { isMultiline: true } : {}),
      ...(field.required
        ? { isRequired: true, errorMessage: `Give it a ${field.label.toLowerCase()}.` }
        : {}),
      ...(value ? { value: value.slice(0, field.max) } : {}),
    });
    if (field.hint) body.push(textBlock(field.hint, { size: 'Small', isSubtle: true }));
    if (input.error && errorField === field.id) body.push(errorBlock(input.error.message));
  }
  return adaptiveCard({
    fallbackText: input.heading,
    body,
    actions: [
      executeAction({
        title: 'Save',
        verb: input.verb,
        value: String(input.occurrenceId),
        style: 'positive',
      }),
    ],
  });
}

/** "Add agenda item": the proposed issue's title and description. */
export const agendaItemCard = (occurrenceId: number, values?: FormValues, error?: FormError) =>
  formCard({
    heading: 'Add agenda item',
    verb: AGENDA_SAVE_VERB,
    occurrenceId,
    fields: AGENDA_FIELDS,
    values,
    error,
  });

/** The minutes of a meeting; `meeting` names it and its relationship. */
export const minutesCard = (occurrenceId: number, meeting: string, values?: FormValues, error?: FormError) =>
  formCard({
    heading: 'Minutes',
    subheading: meeting,
    verb: MINUTES_SAVE_VERB,
    occurrenceId,
    fields: MINUTES_FIELDS,
    values,
    error,
  });

/** The values a submitted form carries: Teams merges each input into the action data under its id. */
export const readForm = (data: Record<string, unknown>, ids: string[]): FormValues =>
  readFormValues(data, ids).values;

export const AGENDA_INPUTS = AGENDA_FIELDS.map((field) => field.id);
export const MINUTES_INPUTS = MINUTES_FIELDS.map((field) => field.id);
