import type { types } from '@slack/bolt';
import { IMPACTS, LIKELIHOODS, MITIGATION_MAX, TITLE_MAX } from '../../workflows/risks/index';
import { escapeMrkdwn } from './slack-escape';

export const ADD_RISK_VIEW = 'risk.add';
/** Block ids equal the workflow's field names, so a refusal lands under its field. */
export const FIELD = {
  title: 'title',
  likelihood: 'likelihood',
  impact: 'impact',
  owner: 'owner',
  mitigation: 'mitigation',
  reviewDate: 'reviewDate',
  relationship: 'relationship',
} as const;

export type Option = { value: string; label: string };

// Slack's limits: option text 75 characters, 100 options per static select.
const option = ({ value, label }: Option) => ({
  text: { type: 'plain_text' as const, text: escapeMrkdwn(label).slice(0, 75) },
  value,
});

const levels = (names: readonly string[]) =>
  names.map((name, index) => option({ value: String(index + 1), label: `${index + 1} · ${name}` }));

const select = (field: string, label: string, options: ReturnType<typeof option>[], initial?: string) =>
  ({
    type: 'input',
    block_id: field,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'static_select',
      action_id: field,
      options: options.slice(0, 100),
      ...(initial ? { initial_option: options.find((candidate) => candidate.value === initial) } : {}),
    },
  }) satisfies types.InputBlock;

/**
 * The `/risk add` modal. Owners are offered as `<relationship>/<person>`, since person ids are unique
 * only per relationship; the relationship is asked only of someone in several.
 */
export function addRiskView(input: {
  title?: string;
  relationships: Option[];
  people: Option[];
  owner?: string;
}): types.ModalView {
  const people = input.people.map(option);
  const blocks: types.KnownBlock[] = [
    {
      type: 'input',
      block_id: FIELD.title,
      label: { type: 'plain_text', text: 'Title' },
      element: {
        type: 'plain_text_input',
        action_id: FIELD.title,
        max_length: TITLE_MAX,
        ...(input.title ? { initial_value: input.title.slice(0, TITLE_MAX) } : {}),
      },
    },
    select(FIELD.likelihood, 'Likelihood', levels(LIKELIHOODS)),
    select(FIELD.impact, 'Impact', levels(IMPACTS)),
    select(FIELD.owner, 'Owner', people, input.owner),
    {
      type: 'input',
      block_id: FIELD.mitigation,
      optional: true,
      label: { type: 'plain_text', text: 'Mitigation' },
      element: {
        type: 'plain_text_input',
        action_id: FIELD.mitigation,
        multiline: true,
        max_length: MITIGATION_MAX,
      },
    },
    {
      type: 'input',
      block_id: FIELD.reviewDate,
      optional: true,
      label: { type: 'plain_text', text: 'Review date' },
      hint: { type: 'plain_text', text: 'The owner is reminded at 09:00 on this day.' },
      element: { type: 'datepicker', action_id: FIELD.reviewDate },
    },
  ];
  if (input.relationships.length > 1) {
    blocks.push(select(FIELD.relationship, 'Relationship', input.relationships.map(option)));
  }
  return {
    type: 'modal',
    callback_id: ADD_RISK_VIEW,
    title: { type: 'plain_text', text: 'Add a risk' },
    submit: { type: 'plain_text', text: 'Add' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ relationships: input.relationships.map((r) => r.value) }),
    blocks,
  };
}

type StateValues = Record<
  string,
  Record<
    string,
    { value?: string | null; selected_option?: { value: string } | null; selected_date?: string | null }
  >
>;

/** The submitted fields, read from the view's state by block id. */
export function readAddRiskForm(values: StateValues) {
  const entry = (field: string) => values[field]?.[field];
  const owner = entry(FIELD.owner)?.selected_option?.value;
  return {
    title: entry(FIELD.title)?.value ?? '',
    likelihood: entry(FIELD.likelihood)?.selected_option?.value,
    impact: entry(FIELD.impact)?.selected_option?.value,
    mitigation: entry(FIELD.mitigation)?.value ?? undefined,
    reviewDate: entry(FIELD.reviewDate)?.selected_date ?? undefined,
    relationshipId: entry(FIELD.relationship)?.selected_option?.value,
    owner: owner ? splitPersonOption(owner) : undefined,
  };
}

export const personOption = (relationshipId: string, personId: string) => `${relationshipId}/${personId}`;

export const splitPersonOption = (value: string) => ({
  relationshipId: value.split('/')[0] ?? '',
  personId: value.split('/').slice(1).join('/'),
});
