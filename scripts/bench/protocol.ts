/** Messages between the orchestrator (scripts/bench.ts) and the load generator's own process. */

import type { CpuShares } from './cpu-shares';

export type RunParams = {
  /** The bot's base URL; requests go to `${url}/slack/events`. */
  url: string;
  /** Offered load, requests per second, on a fixed schedule whatever the responses do. */
  rate: number;
  seconds: number;
  /** Seconds of requests at the same rate before measuring, not counted: sockets, JIT, pools. */
  warmupSeconds: number;
  /**
   * What the warm-up sends: `raises` (`/escalate Warm n`, the measured request, then a wait until
   * the bot has sent every message they caused) or `list` (`/escalate list`, which leaves the
   * worker cold: the step then shows a bot's first burst after it started).
   */
  warmupWith: 'raises' | 'list';
  /** Sequential raises before the warm-up, each waited for (DM too when `expectDms`). */
  prime: number;
  /** Wait for each raise's DM to U0DAVE at the fake Slack, up to `drainSeconds` after the last ack. */
  expectDms: boolean;
  drainSeconds: number;
  requestTimeoutMs: number;
  /** The bot's processes whose CPU is read over the step, by the name the report gives them. */
  cpuPids: Record<string, number>;
};

export type StepResult = {
  sent: number;
  /** Answered 200. */
  ok: number;
  /** Answered another status, or not at all. */
  errors: number;
  /** A few distinct error descriptions, for the report. */
  errorKinds: string[];
  /** From the first measured send to the last measured response. */
  elapsedMs: number;
  /** Acknowledgement latencies of every answered request, whatever its status, ms. */
  ackMs: number[];
  /** Requests without an answer within `requestTimeoutMs`; also counted in `errors`. */
  unanswered: number;
  requestTimeoutMs: number;
  /** How late the generator sent, worst case, against its schedule: it must stay small. */
  maxSendLagMs: number;
  /** Raise-to-DM latencies of the DMs that arrived, ms; `expected` counts acknowledged raises. */
  dmMs: number[];
  dmExpected: number;
  /** How long the drain waited after the last send. */
  drainMs: number;
  /**
   * Where the CPU went from the first measured send to the last response, and over the drain that
   * followed (when DMs were waited for); none where the machine does not report it.
   */
  cpu: { step?: CpuShares; drain?: CpuShares };
};

export type ToGenerator = { type: 'run'; params: RunParams };
export type FromGenerator =
  | { type: 'ready'; apiUrl: string }
  | { type: 'result'; result: StepResult }
  | { type: 'failed'; error: string };
