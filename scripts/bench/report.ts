import { OTHER } from './cpu-shares';
import { type Summary, summarize } from './percentiles';
import type { StepResult } from './protocol';

export type Step = { rate: number; impl: 'bare-bolt' | 'accord'; result: StepResult };

/** The targets, at this offered rate. */
export const TARGET_RATE = 500;
const TARGET_ACK_P99_MS = 50;
const TARGET_DM_P99_MS = 250;
/** Slack shows the user an error when a slash command is not acknowledged within 3 s. */
const SLACK_ACK_LIMIT_MS = 3000;

const infinities = (count: number) => Array<number>(Math.max(0, count)).fill(Infinity);

/** Latencies with what never came counted as Infinity: a percentile landing there reads "> bound". */
const ackOf = (result: StepResult) => summarize([...result.ackMs, ...infinities(result.unanswered)]);

function dmOf(result: StepResult): Summary & { missing: number } {
  const missing = result.dmExpected - result.dmMs.length;
  return { ...summarize([...result.dmMs, ...infinities(missing)]), missing };
}

const ms = (value: number | undefined, boundMs: number) =>
  value === undefined ? '-' : Number.isFinite(value) ? value.toFixed(1) : `>${boundMs}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function ackTable(steps: Step[]): string {
  const rows = steps.map(({ rate, impl, result }) => {
    const ack = ackOf(result);
    const bound = result.requestTimeoutMs;
    const bare = steps.find((s) => s.rate === rate && s.impl === 'bare-bolt');
    const bareP99 = bare && ackOf(bare.result).p99;
    const ratio =
      impl === 'accord' && bareP99 && ack.p99 !== undefined && Number.isFinite(ack.p99)
        ? `${(ack.p99 / bareP99).toFixed(1)}x`
        : '';
    const late = result.ackMs.filter((latency) => latency > SLACK_ACK_LIMIT_MS).length + result.unanswered;
    return [
      String(rate),
      impl,
      String(result.sent),
      String(result.ok),
      String(result.errors),
      String(late),
      result.elapsedMs > 0 ? ((result.ok * 1000) / result.elapsedMs).toFixed(1) : '-',
      ms(ack.p50, bound),
      ms(ack.p99, bound),
      ms(ack.max, bound),
      result.maxSendLagMs.toFixed(1),
      ratio,
    ];
  });
  const header = ['rate/s', 'impl', 'sent', 'ok', 'err', '>3s', 'thr/s', 'p50 ms', 'p99 ms', 'max ms'];
  const errors = steps.flatMap(({ rate, impl, result }) =>
    result.errorKinds.map((kind) => `  error at ${rate}/s ${impl}: ${kind}`),
  );
  return [table([...header, 'send lag ms', 'p99 accord/bare'], rows), ...errors].join('\n');
}

export function dmTable(steps: Step[]): string {
  const rows = steps
    .filter((step) => step.impl === 'accord')
    .map(({ rate, result }) => {
      const dm = dmOf(result);
      const bound = Math.round(result.drainMs);
      return [
        String(rate),
        String(result.dmExpected),
        String(result.dmMs.length),
        String(dm.missing),
        ms(dm.p50, bound),
        ms(dm.p99, bound),
        ms(summarize(result.dmMs).max, bound),
        (result.drainMs / 1000).toFixed(1),
      ];
    });
  return table(['rate/s', 'raised', 'DMs', 'missing', 'p50 ms', 'p99 ms', 'max ms', 'drain s'], rows);
}

export function verdict(steps: Step[]): string {
  const accord = steps.find((s) => s.rate === TARGET_RATE && s.impl === 'accord');
  if (!accord) return `verdict: n/a (the targets are at ${TARGET_RATE} req/s, which BENCH_RATES left out)`;
  const { result } = accord;
  const ack = ackOf(result);
  const dm = dmOf(result);
  const ackPass = result.errors === 0 && ack.p99 !== undefined && ack.p99 < TARGET_ACK_P99_MS;
  const dmPass = dm.p99 !== undefined && dm.p99 < TARGET_DM_P99_MS;
  const errors = result.errors ? `, ${result.errors} errors` : '';
  const missing = dm.missing ? `, ${dm.missing} of ${result.dmExpected} DMs missing` : '';
  return (
    `verdict at ${TARGET_RATE} req/s: ack p99 ${ms(ack.p99, result.requestTimeoutMs)} ms${errors} ` +
    `(target < ${TARGET_ACK_P99_MS} ms) ${ackPass ? 'PASS' : 'FAIL'}; ` +
    `raise-to-DM p99 ${ms(dm.p99, Math.round(result.drainMs))} ms${missing} ` +
    `(target < ${TARGET_DM_P99_MS} ms) ${dmPass ? 'PASS' : 'FAIL'}`
  );
}

const CPU_GROUPS = ['web', 'worker', 'generator', 'postgres', 'redis', OTHER] as const;

/**
 * Where the machine's CPU went in each step (from the first measured send to the last response)
 * and, for Accord, over the DM drain that followed, in percent of one core.
 */
export function cpuTable(steps: Step[], cores: number): string {
  const rows = steps.flatMap(({ rate, impl, result }) =>
    (['step', 'drain'] as const).flatMap((window) => {
      const shares = result.cpu[window];
      if (!shares) return [];
      const share = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(0));
      return [
        [
          String(rate),
          impl,
          window,
          // A group with no process (the bare app has no worker) reads "-".
          ...CPU_GROUPS.map((group) => share(shares.groups[group])),
          `${share(shares.total)} of ${cores * 100}`,
        ],
      ];
    }),
  );
  if (rows.length === 0) return '  (this machine does not report CPU time per process: no /proc)';
  return table(['rate/s', 'impl', 'window', ...CPU_GROUPS, 'machine'], rows);
}
