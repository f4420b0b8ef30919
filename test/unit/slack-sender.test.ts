import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSender } from '../../adapters/slack/slack-sender';
import { DeliveryError } from '../../workflows/core/ports';
import { startFakeSlack } from '../support/fake-slack';
import { startLoopbackServer } from '../support/http';

const notice = {
  title: 'ESC-4: Nightly export failed',
  fields: [{ label: 'Severity', value: 'high' }],
  actions: [{ id: 'escalation.approve', label: 'Approve', value: '4.1', style: 'primary' as const }],
  fallback: 'ESC-4 needs your decision',
};

describe("the Slack sender, against Slack's Web API on loopback", () => {
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  let sender: ReturnType<typeof createSlackSender>;
  beforeAll(async () => {
    slack = await startFakeSlack();
    sender = createSlackSender({ botToken: 'xoxb-sender-test', apiUrl: slack.apiUrl });
  });
  afterAll(() => slack?.close());

  it('posts the notice as blocks with its fallback text, as the bot, and names the message it made', async () => {
    const { messageId } = await sender.send('U0DAVE', notice);
    const [call] = slack.callsTo('chat.postMessage');
    expect(call?.token).toBe('xoxb-sender-test');
    expect(call?.body).toMatchObject({
      channel: 'U0DAVE',
      text: 'ESC-4 needs your decision',
      unfurl_links: false,
    });
    expect(JSON.stringify(call?.body.blocks)).toContain('Nightly export failed');
    expect(messageId).toBe(`DU0DAVE/${String(call?.response?.ts)}`);

    await sender.update(messageId, { ...notice, actions: [], fallback: 'ESC-4 was approved' });
    expect(slack.callsTo('chat.update').at(-1)?.body).toMatchObject({
      channel: 'DU0DAVE',
      ts: call?.response?.ts,
      text: 'ESC-4 was approved',
    });
  });

  it("reports a rate limit as retryable after Slack's Retry-After", async () => {
    slack.script('chat.postMessage', {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { ok: false, error: 'ratelimited' },
    });
    const error = await sender.send('U0DAVE', notice).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ permanent: false, retryAfterMs: 7000 });
  });

  it('reports an HTTP error as retryable, and a refusal no retry can fix as permanent', async () => {
    slack.script('chat.postMessage', { status: 503, body: { ok: false } });
    await expect(sender.send('U0DAVE', notice)).rejects.toMatchObject({
      message: 'Slack answered HTTP 503',
      permanent: false,
    });
    slack.script('chat.postMessage', { status: 200, body: { ok: false, error: 'user_not_found' } });
    await expect(sender.send('U0GONE', notice)).rejects.toMatchObject({
      message: 'Slack refused the message: user_not_found',
      permanent: true,
    });
    slack.script('chat.postMessage', { status: 200, body: { ok: false, error: 'fatal_error' } });
    await expect(sender.send('U0DAVE', notice)).rejects.toMatchObject({ permanent: false });
  });

  it('reports a Slack it cannot reach, or that answers with something other than JSON or breaks off its answer, as retryable', async () => {
    const broken = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    try {
      const garbled = createSlackSender({ botToken: 'xoxb-1', apiUrl: `${broken.url}/api/` });
      await expect(garbled.send('U0DAVE', notice)).rejects.toMatchObject({ permanent: false });
    } finally {
      await broken.close();
    }
    const cutOff = await startLoopbackServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"ok":true,"channel":"DU0DAVE",');
      setTimeout(() => res.destroy(), 20);
    });
    try {
      const halfAnswered = createSlackSender({ botToken: 'xoxb-1', apiUrl: `${cutOff.url}/api/` });
      await expect(halfAnswered.send('U0DAVE', notice)).rejects.toMatchObject({
        message: 'Slack answered with something other than JSON',
        permanent: false,
      });
    } finally {
      await cutOff.close();
    }
    const unreachable = createSlackSender({ botToken: 'xoxb-1', apiUrl: `${broken.url}/api/` });
    const error = (await unreachable.send('U0DAVE', notice).catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ permanent: false });
    expect(error.message).toMatch(/^Slack could not be reached/);
    expect(error.message).not.toContain('xoxb');
    const nowhere = createSlackSender({ botToken: 'xoxb-1', apiUrl: 'http://[not-an-address/api/' });
    await expect(nowhere.send('U0DAVE', notice)).rejects.toMatchObject({
      message: expect.stringMatching(/^Slack could not be reached: Invalid URL/),
      permanent: false,
    });
  });
});
