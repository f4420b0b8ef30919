import type { Redis } from 'ioredis';
import type { SendAllowance } from '../../workflows/core/ports';

/** What one try at taking gives: how many sends are allowed now, or how long to wait for more. */
type Grant = { granted: number; waitMs: number };

/** Takes by asking for a grant until one comes, sleeping as long as each refusal says. */
function allowanceFrom(grant: (wanted: number) => Promise<Grant>, pause: (ms: number) => Promise<void>) {
  return {
    take: async (wanted: number) => {
      for (;;) {
        const { granted, waitMs } = await grant(Math.max(1, wanted));
        if (granted > 0) return granted;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
      }
    },
    pause,
  } satisfies SendAllowance;
}

// A fixed window on Redis's own clock, so processes on machines whose clocks differ share it. A
// partial grant (some of what was asked) lets a batch send what it may and wait for the rest.
const TAKE_SCRIPT = `
local paused = redis.call('PTTL', KEYS[1] .. ':paused')
if paused > 0 then return {0, paused} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local windowMs = tonumber(ARGV[3])
local window = math.floor(now / windowMs)
local key = KEYS[1] .. ':' .. window
local used = tonumber(redis.call('GET', key) or '0')
local granted = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if granted <= 0 then return {0, (window + 1) * windowMs - now} end
redis.call('INCRBY', key, granted)
redis.call('PEXPIRE', key, windowMs * 2)
return {granted, 0}
`;

type WithTake = Redis & {
  accordTakeAllowance: (
    key: string,
    wanted: number,
    perWindow: number,
    windowMs: number,
  ) => Promise<[number, number]>;
};

/** Shared by every process using the same Redis and key. */
export function redisSendAllowance(
  redis: Redis,
  key: string,
  limit: { perWindow: number; windowMs: number },
): SendAllowance {
  // A defined command runs by the script's hash (EVALSHA), not by sending the script every time.
  redis.defineCommand('accordTakeAllowance', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const withTake = redis as WithTake;
  return allowanceFrom(
    async (wanted) => {
      const [granted, waitMs] = await withTake.accordTakeAllowance(
        key,
        wanted,
        limit.perWindow,
        limit.windowMs,
      );
      return { granted, waitMs };
    },
    async (ms) => {
      await redis.set(`${key}:paused`, '1', 'PX', Math.max(1, Math.round(ms)));
    },
  );
}

/**
 * Kept in this process only: the Postgres job store serves the single-process default, where this
 * is the whole limit. Several processes on it each keep their own.
 */
export function localSendAllowance(limit: { perWindow: number; windowMs: number }): SendAllowance {
  let window = -1;
  let used = 0;
  let pausedUntil = 0;
  return allowanceFrom(
    async (wanted) => {
      const now = Date.now();
      if (pausedUntil > now) return { granted: 0, waitMs: pausedUntil - now };
      const current = Math.floor(now / limit.windowMs);
      if (current !== window) {
        window = current;
        used = 0;
      }
      const granted = Math.min(wanted, limit.perWindow - used);
      if (granted <= 0) return { granted: 0, waitMs: (current + 1) * limit.windowMs - now };
      used += granted;
      return { granted, waitMs: 0 };
    },
    async (ms) => {
      pausedUntil = Math.max(pausedUntil, Date.now() + ms);
    },
  );
}
