import type { types } from '@slack/bolt';
import { DESCRIPTION_MAX, TITLE_MAX } from '../../workflows/escalations/index';
import { escapeMrkdwn } from './slack-escape';

export const RAISE_VIEW = 'escalation.raise';
export const FIELD = {
  title: 'title',
  description: 'description',
  severity: 'severity',
  goal: 'goal',
  relationship: 'relationship',
} as const;

type Option = { value: string; label: string };

const option = ({ value, label }: Option) => ({
  text: { type: 'plain_text' as const, text: escapeMrkdwn(label).slice(0, 75) },
  value,
});

/** The `/escalate` modal. Block ids equal field names, so validation errors land on the right field. */
export function raiseEscalationView(input: {
  title?: string;
  relationships: Option[];
  goals: Option[];
  channelId: string;
}): types.ModalView {
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
    {
      type: 'input',
      block_id: FIELD.description,
      optional: true,
      label: { type: 'plain_text', text: 'Description' },
      element: {
        type: 'plain_text_input',
        action_id: FIELD.description,
        multiline: true,
        max_length: DESCRIPTION_MAX,
      },
    },
    {
      type: 'input',
      block_id: FIELD.severity,
      label: { type: 'plain_text', text: 'Severity' },
      element: {
        type: 'static_select',
        action_id: FIELD.severity,
        initial_option: option({ value: 'medium', label: 'Medium' }),
        options: ['low', 'medium', 'high', 'critical'].map((value) =>
          option({ value, label: value[0]?.toUpperCase() + value.slice(1) }),
        ),
      },
    },
  ];
  if (input.goals.length > 0) {
    blocks.push({
      type: 'input',
      block_id: FIELD.goal,
      optional: true,
      label: { type: 'plain_text', text: 'Related goal' },
      element: {
        type: 'static_select',
        action_id: FIELD.goal,
        options: input.goals.slice(0, 100).map(option),
      },
    });
  }
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
    callback_id: RAISE_VIEW,
    title: { type: 'plain_text', text: 'Raise an escalation' },
    submit: { type: 'plain_text', text: 'Raise' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({
      relationships: input.relationships.map((relationship) => relationship.value),
      channelId: input.channelId,
    }),
    blocks,
  };
}

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/** The submitted fields, read from a view's state by block id. */
export function readRaiseForm(values: StateValues) {
  const text = (field: string) => values[field]?.[field]?.value ?? undefined;
  const selected = (field: string) => values[field]?.[field]?.selected_option?.value ?? undefined;
  const goal = selected(FIELD.goal);
  return {
    title: text(FIELD.title) ?? '',
    description: text(FIELD.description),
    severity: selected(FIELD.severity),
    relationshipId: selected(FIELD.relationship),
    /** Goal options carry `<relationship>/<goal>`, since goal ids are unique only per relationship. */
    goal: goal
      ? { relationshipId: goal.split('/')[0] ?? '', goalId: goal.split('/').slice(1).join('/') }
      : undefined,
  };
}
