/**
 * Where the machine's CPU went during a measured window, by process: the bot's own processes (by
 * pid), Postgres and Redis (every process of theirs, by name), and every other process. Read from
 * Linux's /proc, the only place the bench machines report it; elsewhere there is no reading.
 *
 * The machine's total is the sum over its processes, not /proc/stat's: the kernel charges each
 * process the time it really ran, but counts a CPU busy only when a tick finds it so, which missed a
 * third of a lightly loaded step here (processes that run in short bursts between ticks).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of each process, in clock ticks since it started, with the group it counts in. */
export type CpuReading = Map<string, { group: string; ticks: number }>;

/** Each group's share over a window, and the machine's: 100 is one core busy for the whole window. */
export type CpuShares = { groups: Record<string, number>; total: number };

/** Processes counted by their name (the kernel's `comm`), every one of them. */
const BY_NAME: Record<string, string> = { postgres: 'postgres', 'redis-server': 'redis' };
export const OTHER = 'other';
/** USER_HZ: the unit of /proc/<pid>/stat's times, 100 on every Linux machine the bench runs on. */
const TICKS_PER_SECOND = 100;

/** The name and user plus system ticks of one process, or undefined once it has gone. */
function processTicks(pid: string): { name: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may itself hold spaces or parentheses: the fields follow the last ")".
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * A reading of every process, each in the group its pid is named for in `pids` (web, worker,
 * generator), else its name's (BY_NAME), else `other`; undefined where there is no /proc.
 */
export function readCpu(pids: Record<string, number>): CpuReading | undefined {
  const named = new Map(Object.entries(pids).map(([group, pid]) => [String(pid), group]));
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const reading: CpuReading = new Map();
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    const found = processTicks(pid);
    if (found)
      reading.set(pid, { group: named.get(pid) ?? BY_NAME[found.name] ?? OTHER, ticks: found.ticks });
  }
  return reading.size > 0 ? reading : undefined;
}

/**
 * The shares between two readings `seconds` apart, in percent of one core. A process started in
 * between counts from zero; one that ended in between (a Postgres backend) takes its time with it,
 * so a group can read a little low.
 */
export function cpuShares(before: CpuReading, after: CpuReading, seconds: number): CpuShares {
  const groups: Record<string, number> = {};
  let total = 0;
  for (const [pid, { group, ticks }] of after) {
    const share = (100 * (ticks - (before.get(pid)?.ticks ?? 0))) / TICKS_PER_SECOND / seconds;
    groups[group] = (groups[group] ?? 0) + share;
    total += share;
  }
  return { groups, total };
}
