import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackFetch } from '../../adapters/slack/slack-fetch';

describe("the Slack client's fetch on undici", () => {
  let server: Server;
  let base = '';
  const received: { path: string; contentType: string; body: string }[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });

  beforeAll(async () => {
    // A loopback server that answers by path, and remembers what it was sent.
    server = createServer(async (req, res) => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: await read(req),
      });
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      res.writeHead(429, [
        ['content-type', 'application/json'],
        ['retry-after', '7'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]);
      res.end('{"ok":false,"error":"ratelimited"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = slackFetch();

  it('posts the form and answers with the status, every header and the body', async () => {
    const response = await send(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=U0DAVE&text=hello%20there',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(received.at(-1)).toEqual({
      path: '/api/chat.postMessage',
      contentType: 'application/x-www-form-urlencoded',
      body: 'channel=U0DAVE&text=hello%20there',
    });
  });

  it('answers a status without a body with none', async () => {
    const response = await send(`${base}/empty`, { method: 'POST', body: '' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('sends a multipart body (a file upload) as Node’s fetch would', async () => {
    const form = new FormData();
    form.append('title', 'report');
    await send(`${base}/api/files.upload`, { method: 'POST', body: form });
    expect(received.at(-1)?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(received.at(-1)?.body).toContain('report');
  });

  it('gives up when the signal says so', async () => {
    await expect(
      send(`${base}/slow`, { method: 'POST', body: '', signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
  });
});
