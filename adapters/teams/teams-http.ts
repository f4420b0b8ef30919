import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudAdapter } from 'botbuilder';
import type { TeamsBot } from './teams-bot';

const BODY_LIMIT = 1024 * 1024;

/** Bridges a Node request to CloudAdapter, which expects an Express-like request and response. */
export function createTeamsHttpHandler(adapter: CloudAdapter, bot: TeamsBot) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"error":"body must be a JSON activity"}');
      return;
    }
    const response = {
      socket: res.socket,
      header: (name: string, value: unknown) => res.setHeader(name, String(value)),
      status: (code: number) => {
        res.statusCode = code;
      },
      send: (payload?: unknown) => {
        if (payload === undefined) return;
        if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
        res.write(typeof payload === 'string' ? payload : JSON.stringify(payload));
      },
      end: () => res.end(),
    };
    await adapter.process({ body, headers: req.headers, method: req.method }, response, (context) =>
      bot.run(context),
    );
    if (!res.writableEnded) res.end();
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
