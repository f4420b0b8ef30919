import { readBody, startLoopbackServer } from './http';

export type SlackCall = {
  method: string;
  body: Record<string, unknown>;
  token: string | undefined;
  /** When the call arrived (epoch ms). */
  at: number;
  /** What the fake answered. */
  response?: Record<string, unknown>;
};

type Scripted = {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  /** Answer only a call whose body matches, e.g. one to a given channel. */
  when?: (body: Record<string, unknown>) => boolean;
};

/**
 * Slack's Web API on loopback (point SLACK_API_URL at `url`). Records every call; answers like
 * Slack does, or with a scripted answer queued per method (429 with Retry-After, 500, ok:false).
 */
export async function startFakeSlack() {
  const calls: SlackCall[] = [];
  const scripted = new Map<string, Scripted[]>();
  let nextTs = 1_700_000_000;
  const server = await startLoopbackServer(async (req, res) => {
    const method =
      (req.url ?? '')
        .replace(/^\/api\//, '')
        .replace(/^\//, '')
        .split('?')[0] ?? '';
    const raw = await readBody(req);
    const body = (req.headers['content-type'] ?? '').includes('application/json')
      ? (JSON.parse(raw || '{}') as Record<string, unknown>)
      : decodeForm(raw);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const call: SlackCall = { method, body, token, at: Date.now() };
    calls.push(call);
    const queue = scripted.get(method) ?? [];
    const index = queue.findIndex((candidate) => !candidate.when || candidate.when(body));
    const next = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    if (next) {
      call.response = next.body;
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
      return;
    }
    call.response = answer(method, body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(call.response));
  });

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEAM', user: 'accord' };
      case 'chat.postMessage':
        nextTs += 1;
        // Posting to a user id opens the bot's DM with them: Slack answers with the DM channel's id.
        return {
          ok: true,
          channel: dmChannel(String(body.channel)),
          ts: `${nextTs}.000100`,
          message: { text: body.text },
        };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${nextTs}.000200` };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(body.users ?? 'X')}` } };
      case 'views.open':
        return { ok: true, view: { id: 'V0VIEW' } };
      default:
        return { ok: true };
    }
  }

  return {
    /** The base URL of the Web API, with the trailing slash the client expects. */
    apiUrl: `${server.url}/api/`,
    calls,
    callsTo: (method: string) => calls.filter((call) => call.method === method),
    script: (method: string, ...answers: Scripted[]) => {
      scripted.set(method, [...(scripted.get(method) ?? []), ...answers]);
    },
    close: server.close,
  };
}

const dmChannel = (channel: string) => (/^[UW]/.test(channel) ? `D${channel}` : channel);

function decodeForm(raw: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return body;
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
