import type { types } from '@slack/bolt';
import { ISSUE_DESCRIPTION_MAX, ISSUE_TITLE_MAX } from '../../workflows/issues/index';
import { escapeMrkdwn } from './slack-escape';

export const ADD_ISSUE_VIEW = 'issue.add';
export const EDIT_ISSUE_VIEW = 'issue.edit';

type Prefill = { title?: string; description?: string; owner?: string; due?: string; priority?: string };
type Option = { value: string; label: string };

const option = ({ value, label }: Option) => ({
  text: { type: 'plain_text' as const, text: escapeMrkdwn(label).slice(0, 75) },
  value,
});

const input = (
  blockId: string,
  label: string,
  element: types.InputBlock['element'],
  optional = false,
): types.InputBlock => ({
  type: 'input',
  block_id: blockId,
  optional,
  label: { type: 'plain_text', text: label },
  element,
});

/** The form to propose (or, for an approver, edit) an issue. Block ids equal the field names. */
export function issueView(input_: {
  callbackId: string;
  metadata: string;
  prefill?: Prefill;
  people: Option[];
  relationships?: Option[];
}): types.ModalView {
  const prefill = input_.prefill ?? {};
  const priorities = ['low', 'medium', 'high'].map((value) => option({ value, label: value }));
  const blocks: types.KnownBlock[] = [
    input('title', 'Title', {
      type: 'plain_text_input',
      action_id: 'title',
      max_length: ISSUE_TITLE_MAX,
      ...(prefill.title ? { initial_value: prefill.title.slice(0, ISSUE_TITLE_MAX) } : {}),
    }),
    input(
      'description',
      'Description',
      {
        type: 'plain_text_input',
        action_id: 'description',
        multiline: true,
        max_length: ISSUE_DESCRIPTION_MAX,
        ...(prefill.description ? { initial_value: prefill.description } : {}),
      },
      true,
    ),
    input(
      'owner',
      'Owner',
      {
        type: 'static_select',
        action_id: 'owner',
        options: input_.people.slice(0, 100).map(option),
        ...(prefill.owner
          ? {
              initial_option: option(
                input_.people.find((p) => p.value === prefill.owner) ?? {
                  value: prefill.owner,
                  label: prefill.owner,
                },
              ),
            }
          : {}),
      },
      true,
    ),
    input(
      'due',
      'Due date',
      { type: 'datepicker', action_id: 'due', ...(prefill.due ? { initial_date: prefill.due } : {}) },
      true,
    ),
    input('priority', 'Priority', {
      type: 'static_select',
      action_id: 'priority',
      options: priorities,
      initial_option: option({ value: prefill.priority ?? 'medium', label: prefill.priority ?? 'medium' }),
    }),
  ];
  if (input_.relationships && input_.relationships.length > 1) {
    blocks.push(
      input('relationship', 'Relationship', {
        type: 'static_select',
        action_id: 'relationship',
        options: input_.relationships.map(option),
      }),
    );
  }
  return {
    type: 'modal',
    callback_id: input_.callbackId,
    title: {
      type: 'plain_text',
      text: input_.callbackId === EDIT_ISSUE_VIEW ? 'Edit the issue' : 'Propose an issue',
    },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: input_.metadata,
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

export function readIssueForm(values: StateValues) {
  const field = (id: string) => values[id]?.[id];
  return {
    relationshipId: field('relationship')?.selected_option?.value ?? undefined,
    fields: {
      title: field('title')?.value ?? '',
      description: field('description')?.value ?? undefined,
      owner: field('owner')?.selected_option?.value ?? undefined,
      due: field('due')?.selected_date ?? undefined,
      priority: (field('priority')?.selected_option?.value ?? 'medium') as 'medium',
    },
  };
}
