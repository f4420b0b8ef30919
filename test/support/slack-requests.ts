import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Headers exactly as Slack signs a request: v0 HMAC-SHA256 over `v0:<timestamp>:<body>`. */
export function slackHeaders(body: string, contentType: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
}

export async function postToSlackEndpoint(
  baseUrl: string,
  body: string,
  contentType: string,
  options: { timestamp?: number; signature?: string } = {},
) {
  const headers = slackHeaders(body, contentType, options.timestamp);
  if (options.signature) headers['x-slack-signature'] = options.signature;
  return fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
}

export const postSlackEvent = (baseUrl: string, event: Record<string, unknown>, timestamp?: number) =>
  postToSlackEndpoint(baseUrl, JSON.stringify(event), 'application/json', { timestamp });

/** A slash command as Slack posts it: form-encoded fields. */
export function slashCommandBody(fields: {
  command: string;
  text: string;
  user_id: string;
  channel_id?: string;
}) {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'acme',
    channel_id: fields.channel_id ?? 'D0DIRECT',
    channel_name: 'directmessage',
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: fields.command,
    text: fields.text,
    api_app_id: 'A0ACCORD',
    response_url: 'https://hooks.slack.com/commands/T0TEAM/1/abc',
    trigger_id: '1.2.3',
  }).toString();
}

export const postSlashCommand = (
  baseUrl: string,
  fields: { command?: string; text: string; user_id: string; channel_id?: string },
) =>
  postToSlackEndpoint(
    baseUrl,
    slashCommandBody({ command: fields.command ?? '/escalate', ...fields }),
    'application/x-www-form-urlencoded',
  );

/** The interactive payloads Slack posts as `payload=<json>`, form-encoded. */
export const postInteraction = (baseUrl: string, payload: Record<string, unknown>) =>
  postToSlackEndpoint(
    baseUrl,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
  );

/** A click on a button of a message the bot posted in a DM, with the optional reason typed. */
export function blockAction(fields: {
  userId: string;
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  reason?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'acme' },
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0ACCORD',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: fields.messageTs,
      channel_id: fields.channelId,
      is_ephemeral: false,
    },
    trigger_id: '1.2.3',
    channel: { id: fields.channelId, name: 'directmessage' },
    message: { type: 'message', ts: fields.messageTs, user: 'UBOT', text: 'escalation', blocks: [] },
    state: { values: { reason: { reason: { type: 'plain_text_input', value: fields.reason ?? null } } } },
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: 'actions',
        value: fields.value,
        text: { type: 'plain_text', text: 'Approve' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** The submission of a modal, with its state values keyed by block id and action id. */
export function viewSubmission(fields: {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T0TEAM', domain: 'acme' },
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0ACCORD',
    token: 'legacy-verification-token',
    trigger_id: '1.2.3',
    view: {
      id: 'V0VIEW',
      team_id: 'T0TEAM',
      type: 'modal',
      callback_id: fields.callbackId,
      private_metadata: fields.privateMetadata,
      state: { values: fields.values },
      hash: 'h',
      title: { type: 'plain_text', text: 'Raise an escalation' },
      blocks: [],
    },
  };
}
