import type { Attachment } from 'botbuilder';
import { DESCRIPTION_MAX, MEASURE_MAX, TITLE_MAX } from '../../workflows/goals/index';
import { adaptiveCard, errorBlock, executeAction, headingBlock, readFormValues } from './teams-card-kit';

export const PROPOSE_VERB = 'goal.propose';
/** Input ids equal the workflow's field names; Teams merges each input's value into the action data. */
export const FIELD = {
  title: 'title',
  description: 'description',
  measure: 'measure',
  targetDate: 'targetDate',
  relationship: 'relationship',
} as const;

type Option = { value: string; label: string };
export type ProposeFormValues = Partial<Record<keyof typeof FIELD, string>>;

/**
 * The `goal propose` form as an Adaptive Card 1.5. Inputs show plain text, never markdown, so they
 * carry values as typed; only TextBlocks go through the markdown escaper. The action
 * data carries the relationship when only one was offered.
 */
export function proposeGoalCard(input: {
  values?: ProposeFormValues;
  relationships: Option[];
  error?: { field: string; message: string };
}): Attachment {
  const values = input.values ?? {};
  const errorField = input.error && input.error.field in FIELD ? input.error.field : FIELD.title;
  const body: Record<string, unknown>[] = [headingBlock('Propose a goal')];
  const add = (field: string, element: Record<string, unknown>) => {
    const value = values[field as keyof ProposeFormValues];
    body.push({ id: field, ...element, ...(value ? { value } : {}) });
    if (input.error && errorField === field) body.push(errorBlock(input.error.message));
  };
  const text = (label: string, max: number, extra: Record<string, unknown> = {}) => ({
    type: 'Input.Text',
    label,
    maxLength: max,
    ...extra,
  });
  add(FIELD.title, text('Title', TITLE_MAX, { isRequired: true, errorMessage: 'Give the goal a title.' }));
  add(FIELD.description, text('Description', DESCRIPTION_MAX, { isMultiline: true }));
  add(FIELD.measure, text('Measure and target', MEASURE_MAX, { isMultiline: true }));
  add(FIELD.targetDate, { type: 'Input.Date', label: 'Target date' });
  if (input.relationships.length > 1) {
    add(FIELD.relationship, {
      type: 'Input.ChoiceSet',
      label: 'Relationship',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose the relationship.',
      choices: input.relationships.slice(0, 100).map(({ value, label }) => ({ title: label, value })),
    });
  }
  const only = input.relationships.length === 1 ? (input.relationships[0]?.value ?? '') : '';
  return adaptiveCard({
    fallbackText: 'Propose a goal',
    body,
    actions: [executeAction({ title: 'Propose', verb: PROPOSE_VERB, value: only, style: 'positive' })],
  });
}

/** The submitted form: the action data with the inputs merged in. */
export const readProposeForm = (data: Record<string, unknown>) => readFormValues(data, Object.values(FIELD));
