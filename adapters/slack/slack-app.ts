import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { installSlackRoutes, type SlackRoutes } from './slack-routes';

/** Slack signs the timestamp; Bolt refuses old ones, and we also refuse ones from the future. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export type SlackSettings = { signingSecret: string; botToken: string; apiUrl: string };

export type SlackEndpoint = {
  routes: SlackRoutes;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
};

/**
 * Bolt behind our own HTTP server: its receiver verifies signatures and acknowledges; we only add
 * the future-timestamp check before it sees the request.
 */
export function createSlackEndpoint(
  settings: SlackSettings,
  logError: (error: unknown) => void,
  now: () => number = Date.now,
): SlackEndpoint {
  const receiver = new HTTPReceiver({
    signingSecret: settings.signingSecret,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: settings.botToken,
    receiver,
    clientOptions: { slackApiUrl: settings.apiUrl },
    logLevel: LogLevel.ERROR,
    // No listener keeps conversation state: Bolt's store would only cost every request a lookup.
    convoStore: false,
  });
  app.error(async (error) => logError(error));
  return {
    routes: installSlackRoutes(app),
    handle: (req, res) => {
      const timestamp = Number(req.headers['x-slack-request-timestamp']);
      if (Number.isFinite(timestamp) && timestamp - now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"request timestamp is in the future"}');
        return;
      }
      receiver.requestListener(req, res);
    },
  };
}
