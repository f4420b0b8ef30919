import type { types } from '@slack/bolt';
import { ITEM_TITLE_MAX, TEXT_MAX } from '../../workflows/reviews/index';

export const AGENDA_VIEW = 'review.agenda_item';
export const MINUTES_VIEW = 'review.minutes';

const text = (
  blockId: string,
  label: string,
  options: { multiline?: boolean; optional?: boolean; max: number; hint?: string },
) =>
  ({
    type: 'input',
    block_id: blockId,
    optional: options.optional ?? false,
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text', text: options.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      multiline: options.multiline ?? false,
      max_length: options.max,
    },
  }) satisfies types.InputBlock;

const modal = (
  callbackId: string,
  title: string,
  occurrenceId: number,
  blocks: types.KnownBlock[],
): types.ModalView => ({
  type: 'modal',
  callback_id: callbackId,
  title: { type: 'plain_text', text: title },
  submit: { type: 'plain_text', text: 'Save' },
  close: { type: 'plain_text', text: 'Cancel' },
  private_metadata: String(occurrenceId),
  blocks,
});

export const agendaItemView = (occurrenceId: number) =>
  modal(AGENDA_VIEW, 'Add agenda item', occurrenceId, [
    text('title', 'Title', { max: ITEM_TITLE_MAX }),
    text('description', 'Description', { multiline: true, optional: true, max: TEXT_MAX }),
  ]);

export const minutesView = (occurrenceId: number, title: string) =>
  modal(MINUTES_VIEW, 'Minutes', occurrenceId, [
    { type: 'section', text: { type: 'plain_text', text: title.slice(0, TEXT_MAX) } },
    text('notes', 'Notes', { multiline: true, optional: true, max: TEXT_MAX }),
    text('decisions', 'Decisions', { multiline: true, optional: true, max: TEXT_MAX }),
    text('actionItems', 'Action items', {
      multiline: true,
      optional: true,
      max: TEXT_MAX,
      hint: 'One per line: title | owner | due date (YYYY-MM-DD). Each joins the issue list.',
    }),
  ]);

type StateValues = Record<string, Record<string, { value?: string | null }>>;

export const readText = (values: StateValues, blockId: string) =>
  values[blockId]?.[blockId]?.value ?? undefined;
