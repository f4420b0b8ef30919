import type { Redis } from 'ioredis';
import { type Platform, perPlatform, type SendAllowance } from '../../workflows/core/ports';

/**
 * One limit: at most `perWindow` sends in any window. While requests for a decision are about (one
 * was asked for within the last window), sends that only inform count against
 * `perWindow - reservedForUrgent` of it, so that room is left for the next request committed while
 * they saturate the limit: it goes at once instead of waiting for a send of a second ago to age out
 * of the window. With no request about, informing sends (a burst of reminders) have all of it.
 */
type WindowLimit = { perWindow: number; reservedForUrgent: number };

/** A send counts against the limit on every send and against its platform's, over the same window. */
export type SendLimit = { windowMs: number; total: WindowLimit; platforms: Record<Platform, WindowLimit> };

/** The waiting `take` by trying until a grant comes, sleeping as long as each refusal says. */
function allowanceFrom(tryTake: SendAllowance['tryTake'], pause: SendAllowance['pause']): SendAllowance {
  return {
    take: async (platform, wanted, kind = { urgent: false }) => {
      const count = Math.max(1, wanted);
      for (;;) {
        const grant = await tryTake(
          platform,
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
// sorted set per limit holds one entry per send of the last window, scored by when it was granted.
// However the sends fall, no window of that length ever holds more than the limit, and what a slow
// spell left unused (a cold start, a pause) can be spent as soon as it is needed, not lost at a
// boundary. A partial grant (some of what was asked) lets a batch send what it may and wait for the
// rest. A refusal says when enough sends age out of the limits that refuse the first kind asked for.
// KEYS[1] is the limit on every send (it also holds whether requests are about, and the sequence of
// entries); KEYS[2] the asking platform's, whose pause (a 429) stops its sends alone. A platform
// allowed as much as every send together needs no window of its own: the first one bounds it.
const TAKE_SCRIPT = `
local paused = redis.call('PTTL', KEYS[2] .. ':paused')
if paused > 0 then return {0, 0, paused} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local urgentWanted = tonumber(ARGV[1])
local routineWanted = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local urgentKey = KEYS[1] .. ':urgent'
if urgentWanted > 0 then redis.call('SET', urgentKey, '1', 'PX', windowMs) end
local urgentAbout = redis.call('EXISTS', urgentKey) == 1
local windows = 2
if tonumber(ARGV[6]) >= tonumber(ARGV[4]) then windows = 1 end
local limits = {}
local urgent = urgentWanted
for i = 1, windows do
  local perWindow = tonumber(ARGV[2 + 2 * i])
  local routineLimit = perWindow
  if urgentAbout then routineLimit = perWindow - tonumber(ARGV[3 + 2 * i]) end
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - windowMs)
  local used = redis.call('ZCARD', KEYS[i])
  limits[i] = {perWindow, routineLimit, used}
  urgent = math.max(0, math.min(urgent, perWindow - used))
end
local routine = routineWanted
for i = 1, windows do
  routine = math.max(0, math.min(routine, limits[i][2] - limits[i][3] - urgent))
end
local granted = urgent + routine
if granted == 0 then
  local waitMs = 1
  for i = 1, windows do
    local room = urgentWanted > 0 and limits[i][1] or limits[i][2]
    local used = limits[i][3]
    if used >= room then
      local ageing = redis.call('ZRANGE', KEYS[i], used - room, used - room, 'WITHSCORES')
      waitMs = math.max(waitMs, math.ceil(tonumber(ageing[2]) + windowMs - now))
    end
  end
  return {0, 0, waitMs}
end
local last = redis.call('INCRBY', KEYS[1] .. ':seq', granted)
for i = 1, windows do
  for from = last - granted + 1, last, 500 do
    local entries = {}
    for id = from, math.min(last, from + 499) do
      entries[#entries + 1] = now
      entries[#entries + 1] = id
    end
    redis.call('ZADD', KEYS[i], unpack(entries))
  end
  redis.call('PEXPIRE', KEYS[i], windowMs * 2)
end
redis.call('PEXPIRE', KEYS[1] .. ':seq', windowMs * 2)
return {urgent, routine, 0}
`;

type WithTake = Redis & {
  accordTakeAllowance: (
    totalKey: string,
    platformKey: string,
    urgentWanted: number,
    routineWanted: number,
    windowMs: number,
    totalPerWindow: number,
    totalReserved: number,
    platformPerWindow: number,
    platformReserved: number,
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
  redis.defineCommand('accordTakeAllowance', { numberOfKeys: 2, lua: TAKE_SCRIPT });
  const withTake = redis as WithTake;
  const platformKey = (platform: Platform) => `${key}:${platform}`;
  return allowanceFrom(
    async (platform, wanted) => {
      await connected(redis);
      const own = limit.platforms[platform];
      const [urgent, routine, waitMs] = await withTake.accordTakeAllowance(
        key,
        platformKey(platform),
        wanted.urgent,
        wanted.routine,
        limit.windowMs,
        limit.total.perWindow,
        limit.total.reservedForUrgent,
        own.perWindow,
        own.reservedForUrgent,
      );
      return { urgent, routine, waitMs };
    },
    async (platform, ms) => {
      await redis.set(`${platformKey(platform)}:paused`, '1', 'PX', Math.max(1, Math.round(ms)));
    },
  );
}

/** The sends one limit granted within the last window, in the order they were granted. */
function slidingWindow(limit: WindowLimit, windowMs: number) {
  const grants: { at: number; count: number }[] = [];
  let used = 0;
  return {
    /** What it allows of each kind now, urgent first; `urgentAbout` keeps the room for requests. */
    room(now: number, urgentAbout: boolean) {
      while (grants[0] && grants[0].at <= now - windowMs) used -= grants.shift()?.count ?? 0;
      const routineLimit = urgentAbout ? limit.perWindow - limit.reservedForUrgent : limit.perWindow;
      return { urgent: limit.perWindow - used, routine: routineLimit - used };
    },
    grant(at: number, count: number) {
      grants.push({ at, count });
      used += count;
    },
    /** How long until enough sends age out for this limit to allow one of the kind (none: 0). */
    waitFor(now: number, urgentAbout: boolean, urgent: boolean) {
      const room = urgent || !urgentAbout ? limit.perWindow : limit.perWindow - limit.reservedForUrgent;
      if (used < room) return 0;
      let newer = used;
      for (const grant of grants) {
        newer -= grant.count;
        if (newer < room) return grant.at + windowMs - now;
      }
      return 1;
    },
  };
}

/**
 * Kept in this process only: the Postgres job store serves the single-process default, where this
 * is the whole limit. Several processes on it each keep their own. The same sliding windows as on
 * Redis.
 */
export function localSendAllowance(limit: SendLimit): SendAllowance {
  const total = slidingWindow(limit.total, limit.windowMs);
  // As on Redis, a platform allowed as much as every send together is bounded by the first window.
  const windowsOf = (platform: Platform) => {
    const own = limit.platforms[platform];
    return own.perWindow >= limit.total.perWindow ? [total] : [total, slidingWindow(own, limit.windowMs)];
  };
  const platforms = perPlatform(windowsOf);
  const pausedUntil = perPlatform(() => 0);
  let urgentAskedAt = Number.NEGATIVE_INFINITY;
  return allowanceFrom(
    async (platform, wanted) => {
      const now = Date.now();
      if (pausedUntil[platform] > now) return { urgent: 0, routine: 0, waitMs: pausedUntil[platform] - now };
      if (wanted.urgent > 0) urgentAskedAt = now;
      const urgentAbout = urgentAskedAt > now - limit.windowMs;
      const windows = platforms[platform];
      const rooms = windows.map((window) => window.room(now, urgentAbout));
      const urgent = Math.max(0, Math.min(wanted.urgent, ...rooms.map((room) => room.urgent)));
      const routine = Math.max(0, Math.min(wanted.routine, ...rooms.map((room) => room.routine - urgent)));
      if (urgent + routine === 0) {
        const waits = windows.map((window) => window.waitFor(now, urgentAbout, wanted.urgent > 0));
        return { urgent, routine, waitMs: Math.max(1, ...waits) };
      }
      for (const window of windows) window.grant(now, urgent + routine);
      return { urgent, routine, waitMs: 0 };
    },
    async (platform, ms) => {
      pausedUntil[platform] = Math.max(pausedUntil[platform], Date.now() + ms);
    },
  );
}
