/**
 * The load generator, run in its own process (forked by scripts/bench/generator.ts) so it never
 * shares the bot's event loop. It also hosts the fake Slack Web API the bot posts its DMs to, so the
 * send time of a request and the arrival time of its DM are read from the same clock.
 *
 * Open loop: request i is sent at start + i / rate whatever happened to the earlier ones.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { postActivity, startFakeBotConnector, teamsActivity } from '../../test/support/fake-bot-connector';
import { startFakeSlack } from '../../test/support/fake-slack';
import { slackHeaders, slashCommandBody } from '../../test/support/slack-requests';
import { cpuShares, readCpu } from './cpu-shares';
import type { FromGenerator, RunParams, StepResult, ToGenerator } from './protocol';

const RAISER = 'U0ALICE';
const APPROVER = 'U0DAVE';
/** Level 1's other approver, on Teams (test/fixtures/governance/escalations.yaml). */
const TEAMS_APPROVER = '00000000-0000-4000-8000-0000000000b0';
const FORM = 'application/x-www-form-urlencoded';
const PRIME_DM_TIMEOUT_MS = 10_000;

type Answered = { status: number; text: string; latencyMs: number; sentAt: number };
type Outcome = Answered | { error: string };

const send = (message: FromGenerator) => process.send?.(message);

const slack = await startFakeSlack();
/** Where the Teams approver's cards go: the bot learns it from the approver's first message. */
const connector = await startFakeBotConnector();
/** When the fake Slack received the first DM to the approver naming each reference. */
const dmArrivals = new Map<string, number>();
observeCalls(slack.calls, (call, at) => {
  if (call.method !== 'chat.postMessage' || call.body.channel !== APPROVER) return;
  const ref = /ESC-\d+/.exec(String(call.body.text))?.[0];
  if (ref && !dmArrivals.has(ref)) dmArrivals.set(ref, at);
});

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

process.on('message', (message: ToGenerator) => {
  if (message.type !== 'run') return;
  const { params } = message;
  // Bounded whatever happens: every phase has its own limit, this is the last resort.
  const budgetMs =
    params.prime * (params.requestTimeoutMs + PRIME_DM_TIMEOUT_MS) +
    (params.warmupSeconds + params.seconds + 2 * params.drainSeconds) * 1000 +
    2 * params.requestTimeoutMs +
    30_000;
  setTimeout(() => process.exit(3), budgetMs).unref();
  run(params)
    .then((result) => send({ type: 'result', result }))
    .catch((error: unknown) => send({ type: 'failed', error: String((error as Error)?.stack ?? error) }));
});
// The orchestrator disconnects when it is done with us, or when it dies: either way, stop.
process.on('disconnect', () => {
  agent.destroy();
  void Promise.allSettled([slack.close(), connector.close()]).finally(() => process.exit(0));
});
send({ type: 'ready', apiUrl: slack.apiUrl });

async function run(params: RunParams): Promise<StepResult> {
  const post = (text: string) => postSlashCommand(params.url, text, params.requestTimeoutMs);

  if (params.expectDms) {
    // As in production, the Teams approver has talked to the bot once, so their requests reach them
    // (otherwise every raise would take the path of an approver who cannot be reached).
    const hello = await postActivity(
      params.url,
      teamsActivity(connector.serviceUrl, { aadObjectId: TEAMS_APPROVER, text: 'help' }),
    );
    if (!hello.ok) throw new Error(`the Teams approver's first message failed: HTTP ${hello.status}`);
  }
  for (let i = 1; i <= params.prime; i++) {
    const outcome = await post(`Prime ${i}`);
    if ('error' in outcome || outcome.status !== 200) throw new Error(`priming failed: ${describe(outcome)}`);
    const ref = refOf(outcome.text);
    if (params.expectDms && ref)
      await until(() => dmArrivals.has(ref), PRIME_DM_TIMEOUT_MS, `the DM for ${ref}`);
  }
  if (params.prime > 0 && params.expectDms) await sleep(1000); // the primes' other deliveries

  const warmup = await openLoop(params.rate, Math.round(params.rate * params.warmupSeconds), (i) =>
    post(params.warmupWith === 'raises' ? `Warm ${i + 1}` : 'list'),
  );
  await Promise.all(warmup.outcomes);
  // The step starts once the warm-up's messages have all gone: no backlog is carried into it.
  if (params.warmupWith === 'raises' && params.expectDms) await quiet(params.drainSeconds * 1000);

  const cpuPids = { ...params.cpuPids, generator: process.pid };
  const stepStart = readCpu(cpuPids);
  const count = Math.round(params.rate * params.seconds);
  const measured = await openLoop(params.rate, count, (i) => post(`Bench ${i + 1}`));
  const outcomes = await Promise.all(measured.outcomes);
  const responsesEnd = performance.now();
  const stepEnd = readCpu(cpuPids);

  const answered = outcomes.filter((o): o is Answered => !('error' in o));
  const ok = answered.filter((o) => o.status === 200);
  const failed = outcomes.filter((o) => 'error' in o || o.status !== 200);
  const errorKinds = [...new Set(failed.map(describe))].slice(0, 5);
  const lastResponse = ok.reduce((last, o) => Math.max(last, o.sentAt + o.latencyMs), measured.start);

  const raised = new Map<string, number>();
  for (const o of ok) {
    const ref = refOf(o.text);
    if (ref) raised.set(ref, o.sentAt);
  }
  let drainMs = 0;
  if (params.expectDms) {
    await until(() => [...raised.keys()].every((ref) => dmArrivals.has(ref)), params.drainSeconds * 1000);
    drainMs = performance.now() - responsesEnd;
  }
  // Under a second, a reading in clock ticks (10 ms) says little.
  const drainEnd = params.expectDms && drainMs >= 1000 ? readCpu(cpuPids) : undefined;
  const dmMs: number[] = [];
  for (const [ref, sentAt] of raised) {
    const arrived = dmArrivals.get(ref);
    if (arrived !== undefined) dmMs.push(arrived - sentAt);
  }

  return {
    sent: count,
    ok: ok.length,
    errors: count - ok.length,
    errorKinds,
    elapsedMs: lastResponse - measured.start,
    ackMs: answered.map((o) => o.latencyMs),
    unanswered: count - answered.length,
    requestTimeoutMs: params.requestTimeoutMs,
    maxSendLagMs: measured.maxLagMs,
    dmMs,
    dmExpected: params.expectDms ? raised.size : 0,
    drainMs,
    cpu: {
      step: stepStart && stepEnd && cpuShares(stepStart, stepEnd, (responsesEnd - measured.start) / 1000),
      drain: stepEnd && drainEnd && cpuShares(stepEnd, drainEnd, drainMs / 1000),
    },
  };
}

/** Starts `count` requests on a fixed schedule; resolves once the last one is sent. */
async function openLoop(rate: number, count: number, start: (i: number) => Promise<Outcome>) {
  const outcomes: Promise<Outcome>[] = [];
  const t0 = performance.now();
  const due = (i: number) => t0 + (i * 1000) / rate;
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (outcomes.length < count && due(outcomes.length) <= now) {
        maxLagMs = Math.max(maxLagMs, now - due(outcomes.length));
        outcomes.push(start(outcomes.length));
      }
      if (outcomes.length >= count) return resolve();
      setTimeout(tick, Math.max(0, due(outcomes.length) - performance.now()));
    };
    tick();
  });
  return { outcomes, start: t0, maxLagMs };
}

/** One correctly signed `/escalate <text>` from the raiser; latency is send to full response. */
function postSlashCommand(baseUrl: string, text: string, timeoutMs: number): Promise<Outcome> {
  const body = slashCommandBody({ command: '/escalate', text, user_id: RAISER });
  const headers = { ...slackHeaders(body, FORM), 'content-length': String(Buffer.byteLength(body)) };
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const sentAt = performance.now();
    const req = request({ agent, hostname, port, path: '/slack/events', method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          text: ackText(raw),
          latencyMs: performance.now() - sentAt,
          sentAt,
        });
      });
      res.on('error', (error) => resolve({ error: error.message }));
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: error.message });
    });
    req.end(body);
  });
}

function ackText(raw: string): string {
  try {
    return String((JSON.parse(raw) as { text?: unknown }).text ?? '');
  } catch {
    return raw;
  }
}

const refOf = (text: string) => /ESC-\d+/.exec(text)?.[0];
const describe = (o: Outcome) => ('error' in o ? o.error : `HTTP ${o.status} ${o.text.slice(0, 80)}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number, what?: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) {
      if (what) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return;
    }
    await sleep(20);
  }
}

/**
 * Waits until neither fake has received anything for a second, up to `timeoutMs`: the bot has sent
 * everything it had to send. Fails when the bot is still sending at the end.
 */
async function quiet(timeoutMs: number) {
  const received = () => slack.calls.length + connector.calls.length;
  let count = received();
  let lastChange = performance.now();
  await until(
    () => {
      if (received() !== count) {
        count = received();
        lastChange = performance.now();
      }
      return performance.now() - lastChange >= 1000;
    },
    timeoutMs,
    "the bot to send the warm-up's messages",
  );
}

/**
 * Calls a function as each call reaches the fake Slack, with the time it arrived. The fake only
 * records calls in an array, so its `push` is wrapped: it runs when the request has been read.
 */
function observeCalls<T>(calls: T[], onCall: (call: T, at: number) => void) {
  const push = calls.push.bind(calls);
  calls.push = (...items: T[]) => {
    const at = performance.now();
    for (const item of items) onCall(item, at);
    return push(...items);
  };
}
