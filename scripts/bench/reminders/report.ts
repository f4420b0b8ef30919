import { type Summary, summarize } from '../percentiles';
import type { AccordResult } from './accord';
import { dueAt, parseDm } from './governance';
import type { Outcome } from './outcome';

const TARGET_P99_MS = 500;
const BUCKET_MS = 10_000;

const withLost = (outcome: Outcome): Summary =>
  summarize([...outcome.latenessMs, ...Array<number>(outcome.lost).fill(Infinity)]);

const ms = (value: number | undefined, boundMs: number) =>
  value === undefined ? '-' : Number.isFinite(value) ? value.toFixed(0) : `>${boundMs}`;

/** Text columns first (left-aligned), then numbers (right-aligned). */
function table(header: string[], rows: string[][], textColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < textColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function latenessTable(
  baseline: Outcome | undefined,
  accord: AccordResult | undefined,
  boundMs: number,
) {
  const rows: string[][] = [];
  const row = (impl: string, what: string, outcome: Outcome, ratio = '', seesDuplicates = true) => {
    const s = withLost(outcome);
    rows.push([
      impl,
      what,
      String(outcome.expected),
      String(outcome.latenessMs.length),
      seesDuplicates ? String(outcome.duplicates) : '-',
      String(outcome.lost),
      ms(s.p50, boundMs),
      ms(s.p99, boundMs),
      ms(s.max, boundMs),
      ratio,
    ]);
  };
  if (baseline) row('bullmq', 'delayed job starts', baseline);
  if (accord) {
    const baseP99 = baseline && withLost(baseline).p99;
    const p99 = withLost(accord.reminders).p99;
    const ratio =
      baseP99 && p99 !== undefined && Number.isFinite(p99)
        ? `${(p99 / Math.max(1, baseP99)).toFixed(0)}x`
        : '';
    row('accord', 'reminder DM at Slack', accord.reminders, ratio);
    const firing = {
      expected: accord.plan.count,
      latenessMs: accord.firingMs,
      duplicates: 0,
      lost: accord.notFired,
    };
    row('accord', 'timer fired (db)', firing, '', false);
  }
  const header = ['impl', 'event', 'due', 'arrived', 'dup', 'lost', 'p50 ms', 'p99 ms', 'max ms'];
  return table([...header, 'p99 accord/bullmq'], rows, 2);
}

export function stageTable(accord: AccordResult): string {
  const rows = [
    ['due -> timer fired', summarize(accord.firingMs)],
    ['timer fired -> DM at Slack', summarize(accord.firedToDmMs)],
  ] as const;
  return table(
    ['stage', 'count', 'p50 ms', 'p99 ms', 'max ms'],
    rows.map(([stage, s]) => [stage, String(s.count), ms(s.p50, 0), ms(s.p99, 0), ms(s.max, 0)]),
    1,
  );
}

/**
 * Buckets (ten seconds unless told) from the first due instant: what came due, what happened, what
 * stood in the way. `buckets` stops early (the first seconds, one by one, show a cold start).
 */
export function timelineTable(accord: AccordResult, bucketMs = BUCKET_MS, buckets = Infinity): string {
  const { plan } = accord;
  const start = plan.firstDueAt;
  const bucketOf = (at: number) => Math.floor((at - start) / bucketMs);
  const last = Math.min(
    buckets - 1,
    [...accord.firedAt, ...accord.posts.map((post) => post.at)].reduce(
      (latest, at) => Math.max(latest, bucketOf(at)),
      bucketOf(dueAt(plan, plan.count - 1)),
    ),
  );
  const rows: string[][] = [];
  for (let b = 0; b <= last; b++) {
    const inBucket = (at: number) => bucketOf(at) === b;
    const due = Array.from({ length: plan.count }, (_, i) => dueAt(plan, i)).filter(inBucket).length;
    const dms = accord.posts.filter((post) => inBucket(post.at) && parseDm(post.text) !== undefined).length;
    const late = summarize(
      accord.reminderLateness.filter(([i]) => inBucket(dueAt(plan, i))).map(([, l]) => l),
    );
    const samples = accord.sampling.samples.filter((sample) => inBucket(sample.at));
    const max = (pick: (s: (typeof samples)[number]) => number) =>
      samples.length ? String(Math.round(Math.max(...samples.map(pick)))) : '-';
    rows.push([
      `${(b * bucketMs) / 1000}..${((b + 1) * bucketMs) / 1000}`,
      String(due),
      String(accord.firedAt.filter(inBucket).length),
      String(dms),
      ms(late.p50, 0),
      ms(late.p99, 0),
      max((s) => s.lockWaits),
      max((s) => s.oldestTransactionS),
      max((s) => s.timerJobsReady),
      max((s) => s.deliveryJobsReady),
      max((s) => s.deliveryJobsDelayed),
    ]);
  }
  const header = ['t s', 'due', 'fired', 'DMs', 'DM p50', 'DM p99', 'lock waits', 'oldest tx s'];
  return table([...header, 'timer jobs ready', 'deliveries ready', 'deliveries delayed'], rows, 1);
}

export function setupLine(accord: AccordResult): string {
  const rel = (at: number | undefined) =>
    at === undefined ? 'never' : `${((at - accord.plan.firstDueAt) / 1000).toFixed(1)} s`;
  return (
    `  relative to the first due instant: bots launched ${rel(accord.launchedAt)}, ready ` +
    `${accord.readyAt.map(rel).join(' and ')}, all reminder timers committed ${rel(accord.scheduledAt)}`
  );
}

export function topStatements(title: string, counts: Map<string, number>, samples: number): string {
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6);
  if (top.length === 0) return `${title}: none`;
  return (
    [title, ...top.map(([query, n]) => `  ${String(n).padStart(6)}  ${query}`)].join('\n') +
    `\n  (backend-samples, of ${samples} samples taken every 0.5 s)`
  );
}

export function reminderVerdict(accord: AccordResult | undefined, boundMs: number): string {
  if (!accord) return 'reminders verdict: n/a (the Accord part did not run)';
  const { reminders } = accord;
  const p99 = withLost(reminders).p99;
  const pass = p99 !== undefined && p99 < TARGET_P99_MS && reminders.duplicates === 0 && reminders.lost === 0;
  return (
    `reminders verdict: ${reminders.expected} reminders, DM lateness p99 ${ms(p99, boundMs)} ms ` +
    `(target < ${TARGET_P99_MS}), ${reminders.duplicates} duplicates (target 0), ${reminders.lost} lost ` +
    `(target 0): ${pass ? 'PASS' : 'FAIL'}`
  );
}
