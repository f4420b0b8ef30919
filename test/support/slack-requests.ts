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
