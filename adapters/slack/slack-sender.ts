import { webApi } from '@slack/bolt';
import type { Notice } from '../../workflows/core/notice';
import { DeliveryError } from '../../workflows/core/ports';
import { slackFetch } from './slack-fetch';
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

/** Posts notices with Slack's Web API; retries are the delivery queue's, so the client makes none. */
export function createSlackSender(options: { botToken: string; apiUrl: string }): SlackSender {
  const client = new webApi.WebClient(options.botToken, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    fetch: slackFetch(),
  });
  return {
    send: async (channel, notice) => {
      try {
        const result = await client.chat.postMessage({
          channel,
          ...noticeToSlack(notice),
          unfurl_links: false,
        });
        return { messageId: `${result.channel}/${result.ts}` };
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
    update: async (messageId, notice) => {
      const [channel = '', ts = ''] = messageId.split('/');
      try {
        await client.chat.update({ channel, ts, ...noticeToSlack(notice) });
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
  };
}

function toDeliveryError(error: unknown): DeliveryError {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  if (e.code === webApi.ErrorCode.RateLimitedError) {
    return new DeliveryError('Slack rate limited the call', false, (e.retryAfter ?? 1) * 1000);
  }
  if (e.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return new DeliveryError(`Slack refused the message: ${code}`, PERMANENT.has(code));
  }
  if (e.code === webApi.ErrorCode.HTTPError) {
    return new DeliveryError(`Slack answered HTTP ${e.statusCode ?? '?'}`, false);
  }
  return new DeliveryError(`Slack could not be reached: ${(error as Error).message}`, false);
}
