import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { localSendAllowance, redisSendAllowance } from '../../bot/jobs/send-allowance';
import type { SendAllowance } from '../../workflows/core/ports';
import { testRedisUrl, uniquePrefix } from '../support/redis';

/**
 * Five sends a window in all, two of them kept for requests for a decision while requests are about;
 * Slack may use all five, Teams three of them (one kept for requests).
 */
const limit = {
  windowMs: 200,
  total: { perWindow: 5, reservedForUrgent: 2 },
  platforms: { slack: { perWindow: 5, reservedForUrgent: 2 }, teams: { perWindow: 3, reservedForUrgent: 1 } },
};
const perWindow = limit.total.perWindow;
const redis = new Redis(testRedisUrl());

/** Two senders on one limit, as two worker processes are; the local one is one process's only. */
const kinds: { label: string; pair: () => [SendAllowance, SendAllowance] }[] = [
  {
    label: 'on Redis, shared by two processes',
    pair: () => {
      const key = uniquePrefix('allowance');
      return [redisSendAllowance(redis, key, limit), redisSendAllowance(redis, key, limit)];
    },
  },
  {
    label: 'in one process',
    pair: () => {
      const one = localSendAllowance(limit);
      return [one, one];
    },
  },
];

afterAll(async () => {
  await redis.quit();
});

describe.each(kinds)('the send allowance $label', ({ pair }) => {
  it('grants part of a batch, and the rest only in later windows', async () => {
    const [first, second] = pair();
    const started = Date.now();
    const granted: number[] = [];
    for (let left = 12; left > 0; ) {
      const n = await (granted.length % 2 === 0 ? first : second).take('slack', left);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(Math.min(left, perWindow));
      granted.push(n);
      left -= n;
    }
    expect(granted.reduce((a, b) => a + b, 0)).toBe(12);
    // 12 at 5 a window need three windows: at least two window boundaries are waited out.
    expect(Date.now() - started).toBeGreaterThanOrEqual(limit.windowMs);
  });

  it('never lets more than the limit go within one window, however the takes fall', async () => {
    const [first, second] = pair();
    const grants: { at: number; count: number }[] = [];
    // Four senders at once, each taking a few at a time until 17 have gone.
    let left = 17;
    await Promise.all(
      [first, second, first, second].map(async (allowance, i) => {
        while (left > 0) {
          const wanted = Math.min(left, 1 + (i % 3));
          left -= wanted;
          const count = await allowance.take('slack', wanted);
          grants.push({ at: Date.now(), count });
          left += wanted - count;
        }
      }),
    );
    expect(grants.reduce((sum, grant) => sum + grant.count, 0)).toBe(17);
    // Measured on this side of the round trip: a little margin for when the answers arrived.
    for (const { at } of grants) {
      const inWindow = grants.filter((other) => other.at >= at && other.at < at + limit.windowMs - 30);
      expect(inWindow.reduce((sum, grant) => sum + grant.count, 0)).toBeLessThanOrEqual(perWindow);
    }
  });

  it('a full window frees up one window after it was granted, not at the next boundary', async () => {
    const [first, second] = pair();
    // Away from where a window of fixed boundaries would start (the test before ended on one).
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs / 2));
    expect(await first.take('slack', perWindow)).toBe(perWindow);
    const granted = Date.now();
    expect(await second.take('slack', perWindow)).toBe(perWindow);
    expect(Date.now() - granted).toBeGreaterThanOrEqual(limit.windowMs - 10);
  });

  it('spends at once what a quiet spell left unused', async () => {
    const [first, second] = pair();
    expect(await first.take('slack', 2)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs / 2));
    const asked = Date.now();
    expect(await second.take('slack', perWindow)).toBe(perWindow - 2);
    expect(Date.now() - asked).toBeLessThan(limit.windowMs / 4);
  });

  it('gives nothing to anyone on a paused platform (a 429 seen by one sender), and goes on with the other', async () => {
    const [first, second] = pair();
    await first.pause('teams', 500);
    const started = Date.now();
    expect(await second.take('slack', 2)).toBe(2);
    expect(Date.now() - started).toBeLessThan(100);
    const refused = await second.tryTake('teams', { urgent: 1, routine: 0 });
    expect(refused).toMatchObject({ urgent: 0, routine: 0 });
    expect(refused.waitMs).toBeGreaterThan(400);
    expect(await second.take('teams', 1)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("keeps a platform within its own limit, and counts its sends against the other's", async () => {
    const [first, second] = pair();
    expect(await first.tryTake('teams', { urgent: 0, routine: 5 })).toEqual({
      urgent: 0,
      routine: 3,
      waitMs: 0,
    });
    const teamsFull = await second.tryTake('teams', { urgent: 0, routine: 1 });
    expect(teamsFull.routine).toBe(0);
    expect(teamsFull.waitMs).toBeGreaterThan(limit.windowMs / 2);
    // Slack has what is left of the limit on every send, not its own five.
    expect(await second.tryTake('slack', { urgent: 0, routine: 5 })).toEqual({
      urgent: 0,
      routine: 2,
      waitMs: 0,
    });
    expect((await first.tryTake('slack', { urgent: 1, routine: 0 })).urgent).toBe(0);
  });

  it('while requests are about, keeps room for them that messages which only inform cannot use', async () => {
    const [first, second] = pair();
    // A request asked for with a batch of notices: the notices leave the two kept for requests.
    expect(await first.tryTake('slack', { urgent: 1, routine: 5 })).toEqual({
      urgent: 1,
      routine: 2,
      waitMs: 0,
    });
    const informing = await second.tryTake('slack', { urgent: 0, routine: 2 });
    expect(informing.routine).toBe(0);
    expect(informing.waitMs).toBeGreaterThan(limit.windowMs / 2);
    // The next requests are granted from the room kept for them; the notices asked with them wait.
    expect(await second.tryTake('slack', { urgent: 1, routine: 2 })).toEqual({
      urgent: 1,
      routine: 0,
      waitMs: 0,
    });
    expect(await first.tryTake('slack', { urgent: 1, routine: 0 })).toEqual({
      urgent: 1,
      routine: 0,
      waitMs: 0,
    });
    const full = await first.tryTake('slack', { urgent: 1, routine: 0 });
    expect(full.urgent).toBe(0);
    expect(full.waitMs).toBeGreaterThan(limit.windowMs / 2);
  });

  it('counts the requests sent against what informing messages may use, and says when it frees', async () => {
    const [first, second] = pair();
    expect(await first.tryTake('slack', { urgent: 1, routine: 2 })).toEqual({
      urgent: 1,
      routine: 2,
      waitMs: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs / 2));
    expect((await second.tryTake('slack', { urgent: 2, routine: 0 })).urgent).toBe(2);
    const refused = await first.tryTake('slack', { urgent: 0, routine: 3 });
    expect(refused.routine).toBe(0);
    // The three sent first age out half a window from now; the two requests stay a while longer.
    expect(refused.waitMs).toBeLessThanOrEqual(limit.windowMs / 2 + 5);
    expect(refused.waitMs).toBeGreaterThan(limit.windowMs / 4);
    await new Promise((resolve) => setTimeout(resolve, refused.waitMs));
    expect(await second.tryTake('slack', { urgent: 0, routine: 3 })).toEqual({
      urgent: 0,
      routine: 1,
      waitMs: 0,
    });
  });

  it('gives informing messages the whole limit again a window after the last request', async () => {
    const [first, second] = pair();
    expect((await first.tryTake('slack', { urgent: 1, routine: 0 })).urgent).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs + 20));
    expect(await second.take('slack', perWindow)).toBe(perWindow);
  });
});
