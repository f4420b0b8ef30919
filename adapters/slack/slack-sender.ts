import { Agent } from 'undici';
import type { Notice } from '../../workflows/core/notice';
import { DeliveryError } from '../../workflows/core/ports';
import { requestJson } from '../http/json-request';
import { noticeToSlack } from './slack-render';

// Slack errors that no retry can fix: the recipient or the bot's access is wrong.
const PERMANENT = new Set([
  'channel_not_found',
  'user_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'no_permission',
  'missing_scope',
  'cannot_dm_bot',
  'user_disabled',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

export type SlackSender = {
  send: (channel: string, notice: Notice) => Promise<{ messageId: string }>;
  /** `messageId` is what `send` returned: `<channel>/<ts>`. */
  update: (messageId: string, notice: Notice) => Promise<void>;
};

/** Longer than Slack takes to answer when it is well; a call that takes longer is retried later. */
const TIMEOUT_MS = 10_000;

type SlackAnswer = { ok?: boolean; error?: string; channel?: string; ts?: string };

/**
 * Posts and updates notices with two calls of Slack's Web API (`chat.postMessage`, `chat.update`),
 * JSON bodies on undici's `request`. The Web API client (Bolt's, for answers to clicks and forms)
 * cost about 0.2 ms more CPU per message here, in building debug log lines that are never written,
 * form-encoding the blocks and reading the answer through web streams; the worker sends a message
 * for every approver, briefing, post and reminder. Retries are the delivery queue's: a rate limit,
 * an HTTP error or a timeout is reported as retryable, with Slack's Retry-After.
 */
export function createSlackSender(options: { botToken: string; apiUrl: string }): SlackSender {
  const dispatcher = new Agent();
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    authorization: `Bearer ${options.botToken}`,
  };

  async function call(method: string, body: Record<string, unknown>): Promise<SlackAnswer> {
    const answer = await requestJson('Slack', `${base}${method}`, {
      method: 'POST',
      headers,
      body,
      dispatcher,
      timeoutMs: TIMEOUT_MS,
    });
    if (answer.status !== 200) throw new DeliveryError(`Slack answered HTTP ${answer.status}`, false);
    const result = answer.json as SlackAnswer | undefined;
    if (!result) throw new DeliveryError('Slack answered with something other than JSON', false);
    if (result.ok) return result;
    const code = result.error ?? 'unknown_error';
    throw new DeliveryError(`Slack refused the message: ${code}`, PERMANENT.has(code));
  }

  return {
    send: async (channel, notice) => {
      const result = await call('chat.postMessage', {
        channel,
        ...noticeToSlack(notice),
        unfurl_links: false,
      });
      return { messageId: `${result.channel}/${result.ts}` };
    },
    update: async (messageId, notice) => {
      const [channel = '', ts = ''] = messageId.split('/');
      await call('chat.update', { channel, ts, ...noticeToSlack(notice) });
    },
  };
}
