import type { types } from '@slack/bolt';
import type { Notice } from '../../workflows/core/notice';
import { escapeMrkdwn } from './slack-escape';

// Slack decodes &amp; &lt; &gt; in every text object, so plain_text is escaped like mrkdwn.
// Block Kit's hard limits, stated once: header text 150, section text 3000, 10 fields of 2000,
// button text 75, button value 2000, 25 elements per actions block, 50 blocks per message.
// input label 2000, placeholder 150.
const LIMIT = {
  header: 150,
  section: 3000,
  field: 2000,
  fields: 10,
  button: 75,
  value: 2000,
  actions: 25,
  label: 2000,
  placeholder: 150,
  input: 3000,
};

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export type SlackMessage = { text: string; blocks: types.KnownBlock[] };

/** Renders a notice as Block Kit plus the fallback text Slack shows in notifications. */
export function noticeToSlack(notice: Notice): SlackMessage {
  const blocks: types.KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(escapeMrkdwn(notice.title), LIMIT.header), emoji: false },
    },
  ];
  if (notice.text) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(escapeMrkdwn(notice.text), LIMIT.section) },
    });
  }
  const fields = (notice.fields ?? []).slice(0, LIMIT.fields);
  if (fields.length > 0) {
    blocks.push({
      type: 'section',
      fields: fields.map((field) => ({
        type: 'mrkdwn',
        text: clip(`*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value)}`, LIMIT.field),
      })),
    });
  }
  if (notice.input) {
    blocks.push({
      type: 'input',
      block_id: notice.input.id,
      optional: true,
      label: { type: 'plain_text', text: clip(escapeMrkdwn(notice.input.label), LIMIT.label) },
      element: {
        type: 'plain_text_input',
        action_id: notice.input.id,
        max_length: LIMIT.input,
        ...(notice.input.placeholder
          ? {
              placeholder: {
                type: 'plain_text',
                text: clip(escapeMrkdwn(notice.input.placeholder), LIMIT.placeholder),
              },
            }
          : {}),
      },
    });
  }
  const actions = (notice.actions ?? []).slice(0, LIMIT.actions);
  if (actions.length > 0) {
    blocks.push({
      type: 'actions',
      elements: actions.map((action) => ({
        type: 'button',
        action_id: action.id,
        text: { type: 'plain_text', text: clip(escapeMrkdwn(action.label), LIMIT.button), emoji: false },
        value: clip(action.value, LIMIT.value),
        ...(action.style ? { style: action.style } : {}),
      })),
    });
  }
  if (notice.context) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(escapeMrkdwn(notice.context), LIMIT.section) }],
    });
  }
  const text = escapeMrkdwn(notice.fallback ?? [notice.title, notice.text].filter(Boolean).join(': '));
  return { text: clip(text, LIMIT.section), blocks };
}
