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

// A sliding window on Redis's own clock (so processes on machines whose clocks differ share it): a
// sorted set holds one entry per send of the last window, scored by when it was granted. However
// the sends fall, no window of that length ever holds more than the limit, and what a slow spell
// left unused (a cold start, a pause) can be spent as soon as it is needed, not lost at a boundary.
// A partial grant (some of what was asked) lets a batch send what it may and wait for the rest.
const TAKE_SCRIPT = `
local paused = redis.call('PTTL', KEYS[1] .. ':paused')
if paused > 0 then return {0, paused} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local perWindow = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local granted = math.min(tonumber(ARGV[1]), perWindow - redis.call('ZCARD', KEYS[1]))
if granted <= 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, math.ceil(tonumber(oldest[2]) + windowMs - now))}
end
local last = redis.call('INCRBY', KEYS[1] .. ':seq', granted)
for from = last - granted + 1, last, 500 do
  local entries = {}
  for id = from, math.min(last, from + 499) do
    entries[#entries + 1] = now
    entries[#entries + 1] = id
  end
  redis.call('ZADD', KEYS[1], unpack(entries))
end
redis.call('PEXPIRE', KEYS[1], windowMs * 2)
redis.call('PEXPIRE', KEYS[1] .. ':seq', windowMs * 2)
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
 * is the whole limit. Several processes on it each keep their own. The same sliding window as on
 * Redis, as a list of grants in the order they were made.
 */
export function localSendAllowance(limit: { perWindow: number; windowMs: number }): SendAllowance {
  const grants: { at: number; count: number }[] = [];
  let used = 0;
  let pausedUntil = 0;
  return allowanceFrom(
    async (wanted) => {
      const now = Date.now();
      if (pausedUntil > now) return { granted: 0, waitMs: pausedUntil - now };
      while (grants[0] && grants[0].at <= now - limit.windowMs) used -= grants.shift()?.count ?? 0;
      const granted = Math.min(wanted, limit.perWindow - used);
      if (granted <= 0) return { granted: 0, waitMs: (grants[0]?.at ?? now) + limit.windowMs - now };
      grants.push({ at: now, count: granted });
      used += granted;
      return { granted, waitMs: 0 };
    },
    async (ms) => {
      pausedUntil = Math.max(pausedUntil, Date.now() + ms);
    },
  );
}
