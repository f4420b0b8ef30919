import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { SIGNING_SECRET } from '../../test/support/slack-requests';

/**
 * The baseline: Bolt with an HTTPReceiver, configured like Accord's (same signing secret, endpoint,
 * token and Web API), on a plain http server, whose `/escalate` only acknowledges.
 */
export async function startBareBolt(slackApiUrl: string) {
  const receiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: 'xoxb-bench-token',
    receiver,
    clientOptions: { slackApiUrl },
    logLevel: LogLevel.ERROR,
    // No listener keeps conversation state: Bolt's store would only cost every request a lookup.
    convoStore: false,
  });
  app.command('/escalate', async ({ ack }) => {
    await ack();
  });
  const server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
