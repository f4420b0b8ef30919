import { readBody, startLoopbackServer } from './http';

export type ConnectorCall = {
  /** When it arrived (ms since the epoch). */
  at: number;
  method: string;
  path: string;
  conversationId: string;
  activity: Record<string, unknown>;
  /** The Authorization header the bot sent, if any. */
  authorization?: string;
};

/** The next call's answer: a status (200: the usual answer), and how long to wait before it. */
type ScriptedAnswer = { status: number; headers?: Record<string, string>; delayMs?: number };

/**
 * The Bot Framework Connector on loopback: activities carry `serviceUrl: url`, and the bot's replies,
 * proactive messages and updates arrive here, and member lookups are answered. Scripted answers
 * imitate 429, 5xx and slow answers.
 */
export async function startFakeBotConnector() {
  const calls: ConnectorCall[] = [];
  const scripted: ScriptedAnswer[] = [];
  let nextId = 1;
  const server = await startLoopbackServer(async (req, res) => {
    const path = req.url ?? '';
    const raw = await readBody(req);
    const activity = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const conversationId = decodeURIComponent(path.match(/^\/v3\/conversations\/([^/]+)/)?.[1] ?? '');
    const { authorization } = req.headers;
    calls.push({ at: Date.now(), method: req.method ?? '', path, conversationId, activity, authorization });
    const next = scripted.shift();
    if (next?.delayMs) await new Promise((resolve) => setTimeout(resolve, next.delayMs));
    if (next && next.status !== 200) {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify({ error: { code: 'Scripted', message: `scripted ${next.status}` } }));
      return;
    }
    const member = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)$/.exec(path);
    if (req.method === 'GET' && member) {
      // Users of these tests have the Teams id `29:<their AAD object id>` (teamsActivity).
      const userId = decodeURIComponent(member[1] ?? '');
      const aadObjectId = /^29:(.+)$/.exec(userId)?.[1];
      res.writeHead(aadObjectId ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          aadObjectId
            ? { id: userId, name: 'Member', aadObjectId, tenantId: 'tenant-1', userRole: 'user' }
            : { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found.' } },
        ),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.method === 'POST' && path === '/v3/conversations') {
      res.end(JSON.stringify({ id: `a:personal-${nextId++}`, activityId: `created-${nextId}` }));
      return;
    }
    res.end(JSON.stringify({ id: `activity-${nextId++}` }));
  });
  return {
    serviceUrl: `${server.url}/`,
    calls,
    sent: () => calls.filter((call) => call.method === 'POST' && call.path.includes('/activities')),
    script: (...answers: ScriptedAnswer[]) => scripted.push(...answers),
    close: server.close,
  };
}

/** A Teams activity from a user to the bot, in the shape Teams sends. */
export function teamsActivity(
  serviceUrl: string,
  fields: {
    type?: string;
    text?: string;
    aadObjectId: string;
    name?: string;
    conversationId?: string;
    value?: unknown;
    invokeName?: string;
  },
): Record<string, unknown> {
  const conversationId = fields.conversationId ?? `a:personal-${fields.aadObjectId}`;
  return {
    type: fields.type ?? 'message',
    id: `incoming-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: {
      id: `29:${fields.aadObjectId}`,
      name: fields.name ?? 'Bob Provider',
      aadObjectId: fields.aadObjectId,
    },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
    recipient: { id: '28:accord-bot', name: 'Accord' },
    text: fields.text,
    ...(fields.value !== undefined ? { value: fields.value } : {}),
    ...(fields.invokeName !== undefined ? { name: fields.invokeName } : {}),
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'en-US',
  };
}

export const postActivity = (
  baseUrl: string,
  activity: Record<string, unknown>,
  headers: Record<string, string> = {},
) =>
  fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });

export type FakeBotConnector = Awaited<ReturnType<typeof startFakeBotConnector>>;
