import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type Routes = Record<string, Handler>;

export const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** One port for everything the web role serves; routes are `METHOD /path`, or `METHOD /prefix/*`. */
export function createHttpServer(routes: Routes, logger: Logger, metrics: Metrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = `${req.method} ${path}`;
    const handler =
      routes[route] ??
      Object.entries(routes).find(([key]) => key.endsWith('/*') && route.startsWith(key.slice(0, -1)))?.[1];
    const label = handler ? route : 'unmatched';
    const stopTimer = metrics.httpDuration.startTimer({ route: label });
    res.on('finish', () => {
      stopTimer();
      metrics.httpRequests.inc({ route: label, status: String(res.statusCode) });
    });
    if (!handler) {
      const allowed = Object.keys(routes).some((known) => known.endsWith(` ${path}`));
      sendJson(res, allowed ? 405 : 404, { error: allowed ? 'method not allowed' : 'not found' });
      return;
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      logger.error({ err: error, route }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting connections and waits for the requests in flight. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
}
