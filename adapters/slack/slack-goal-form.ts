import type { types } from '@slack/bolt';
import { DESCRIPTION_MAX, MEASURE_MAX, TITLE_MAX } from '../../workflows/goals/index';
import { escapeMrkdwn } from './slack-escape';

export const PROPOSE_VIEW = 'goal.propose';
/** Block ids equal the workflow's field names, so a refusal lands under the field it is about. */
export const FIELD = {
  title: 'title',
  description: 'description',
  measure: 'measure',
  targetDate: 'targetDate',
  relationship: 'relationship',
} as const;

type Option = { value: string; label: string };

const option = ({ value, label }: Option) => ({
  text: { type: 'plain_text' as const, text: escapeMrkdwn(label).slice(0, 75) },
  value,
});

const textInput = (
  field: string,
  label: string,
  options: { max: number; multiline?: boolean; optional?: boolean; initial?: string },
): types.InputBlock => ({
  type: 'input',
  block_id: field,
  optional: options.optional ?? true,
  label: { type: 'plain_text', text: label },
  element: {
    type: 'plain_text_input',
    action_id: field,
    multiline: options.multiline ?? false,
    max_length: options.max,
    ...(options.initial ? { initial_value: options.initial.slice(0, options.max) } : {}),
  },
});

/** The `/goal propose` modal. */
export function proposeGoalView(input: { title?: string; relationships: Option[] }): types.ModalView {
  const blocks: types.KnownBlock[] = [
    textInput(FIELD.title, 'Title', { max: TITLE_MAX, optional: false, initial: input.title }),
    textInput(FIELD.description, 'Description', { max: DESCRIPTION_MAX, multiline: true }),
    textInput(FIELD.measure, 'Measure and target', { max: MEASURE_MAX, multiline: true }),
    {
      type: 'input',
      block_id: FIELD.targetDate,
      optional: true,
      label: { type: 'plain_text', text: 'Target date' },
      element: { type: 'datepicker', action_id: FIELD.targetDate },
    },
  ];
  if (input.relationships.length > 1) {
    blocks.push({
      type: 'input',
      block_id: FIELD.relationship,
      label: { type: 'plain_text', text: 'Relationship' },
      element: {
        type: 'static_select',
        action_id: FIELD.relationship,
        options: input.relationships.slice(0, 100).map(option),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: PROPOSE_VIEW,
    title: { type: 'plain_text', text: 'Propose a goal' },
    submit: { type: 'plain_text', text: 'Propose' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ relationships: input.relationships.map((r) => r.value) }),
    blocks,
  };
}

type StateValues = Record<
  string,
  Record<
    string,
    { value?: string | null; selected_date?: string | null; selected_option?: { value: string } | null }
  >
>;

/** The submitted fields, read from the view's state by block id. */
export function readProposeForm(values: StateValues) {
  const state = (field: string) => values[field]?.[field];
  return {
    title: state(FIELD.title)?.value ?? '',
    description: state(FIELD.description)?.value ?? undefined,
    measure: state(FIELD.measure)?.value ?? undefined,
    targetDate: state(FIELD.targetDate)?.selected_date ?? undefined,
    relationshipId: state(FIELD.relationship)?.selected_option?.value ?? undefined,
  };
}
