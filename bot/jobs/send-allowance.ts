import type { Redis } from 'ioredis';
import type { SendAllowance, SendGrant, SendsWanted } from '../../workflows/core/ports';

/**
 * The limit: at most `perWindow` sends in any `windowMs`. While requests for a decision are about
 * (one was asked for within the last window), sends that only inform count against
 * `perWindow - reservedForUrgent` of it, so that room is left for the next request committed while
 * they saturate the limit: it goes at once instead of waiting for a send of a second ago to age out
 * of the window. With no request about, informing sends (a burst of reminders) have all of it.
 */
export type SendLimit = { perWindow: number; windowMs: number; reservedForUrgent: number };

/** The waiting `take` by trying until a grant comes, sleeping as long as each refusal says. */
function allowanceFrom(
  tryTake: (wanted: SendsWanted) => Promise<SendGrant>,
  pause: (ms: number) => Promise<void>,
): SendAllowance {
  return {
    take: async (wanted, kind = { urgent: false }) => {
      const count = Math.max(1, wanted);
      for (;;) {
        const grant = await tryTake(
          kind.urgent ? { urgent: count, routine: 0 } : { urgent: 0, routine: count },
        );
        const granted = grant.urgent + grant.routine;
        if (granted > 0) return granted;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, grant.waitMs)));
      }
    },
    tryTake,
    pause,
  };
}

// A sliding window on Redis's own clock (so processes on machines whose clocks differ share it): a
// sorted set holds one entry per send of the last window, scored by when it was granted. However
// the sends fall, no window of that length ever holds more than the limit, and what a slow spell
// left unused (a cold start, a pause) can be spent as soon as it is needed, not lost at a boundary.
// A partial grant (some of what was asked) lets a batch send what it may and wait for the rest.
// A refusal says when the entry whose ageing out makes room for the first kind asked for does.
const TAKE_SCRIPT = `
local paused = redis.call('PTTL', KEYS[1] .. ':paused')
if paused > 0 then return {0, 0, paused} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local urgentWanted = tonumber(ARGV[1])
local routineWanted = tonumber(ARGV[2])
local perWindow = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local urgentKey = KEYS[1] .. ':urgent'
if urgentWanted > 0 then redis.call('SET', urgentKey, '1', 'PX', windowMs) end
local routineLimit = perWindow
if redis.call('EXISTS', urgentKey) == 1 then routineLimit = perWindow - tonumber(ARGV[5]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local used = redis.call('ZCARD', KEYS[1])
local urgent = math.max(0, math.min(urgentWanted, perWindow - used))
local routine = math.max(0, math.min(routineWanted, routineLimit - used - urgent))
local granted = urgent + routine
if granted == 0 then
  local room = urgentWanted > 0 and perWindow or routineLimit
  local ageing = redis.call('ZRANGE', KEYS[1], used - room, used - room, 'WITHSCORES')
  return {0, 0, math.max(1, math.ceil(tonumber(ageing[2]) + windowMs - now))}
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
return {urgent, routine, 0}
`;

type WithTake = Redis & {
  accordTakeAllowance: (
    key: string,
    urgentWanted: number,
    routineWanted: number,
    perWindow: number,
    windowMs: number,
    reservedForUrgent: number,
  ) => Promise<[number, number, number]>;
};

/** How long a first take waits for the connection a process just opened. */
const CONNECTING_WAIT_MS = 1000;

/**
 * The connection fails commands at once while it is not ready, so that sends fall back to the queue
 * while Redis is away. A worker's first sends come right after it opened the connection: those wait
 * for it a moment, instead of losing their turn to the fallback.
 */
async function connected(redis: Redis) {
  if (redis.status !== 'connecting' && redis.status !== 'connect' && redis.status !== 'wait') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, CONNECTING_WAIT_MS);
    redis.once('ready', done);
  });
}

/** Shared by every process using the same Redis and key. */
export function redisSendAllowance(redis: Redis, key: string, limit: SendLimit): SendAllowance {
  // A defined command runs by the script's hash (EVALSHA), not by sending the script every time.
  redis.defineCommand('accordTakeAllowance', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const withTake = redis as WithTake;
  return allowanceFrom(
    async (wanted) => {
      await connected(redis);
      const [urgent, routine, waitMs] = await withTake.accordTakeAllowance(
        key,
        wanted.urgent,
        wanted.routine,
        limit.perWindow,
        limit.windowMs,
        limit.reservedForUrgent,
      );
      return { urgent, routine, waitMs };
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
export function localSendAllowance(limit: SendLimit): SendAllowance {
  const grants: { at: number; count: number }[] = [];
  let used = 0;
  let pausedUntil = 0;
  let urgentAskedAt = Number.NEGATIVE_INFINITY;
  /** When the send that is `room`th from the newest ages out of the window. */
  const ageingOut = (room: number, now: number) => {
    let newer = used;
    for (const grant of grants) {
      newer -= grant.count;
      if (newer < room) return grant.at + limit.windowMs - now;
    }
    return 1;
  };
  return allowanceFrom(
    async (wanted) => {
      const now = Date.now();
      if (pausedUntil > now) return { urgent: 0, routine: 0, waitMs: pausedUntil - now };
      while (grants[0] && grants[0].at <= now - limit.windowMs) used -= grants.shift()?.count ?? 0;
      if (wanted.urgent > 0) urgentAskedAt = now;
      const routineLimit =
        urgentAskedAt > now - limit.windowMs ? limit.perWindow - limit.reservedForUrgent : limit.perWindow;
      const urgent = Math.max(0, Math.min(wanted.urgent, limit.perWindow - used));
      const routine = Math.max(0, Math.min(wanted.routine, routineLimit - used - urgent));
      if (urgent + routine === 0) {
        const room = wanted.urgent > 0 ? limit.perWindow : routineLimit;
        return { urgent, routine, waitMs: Math.max(1, ageingOut(room, now)) };
      }
      grants.push({ at: now, count: urgent + routine });
      used += urgent + routine;
      return { urgent, routine, waitMs: 0 };
    },
    async (ms) => {
      pausedUntil = Math.max(pausedUntil, Date.now() + ms);
    },
  );
}
