import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { localSendAllowance, redisSendAllowance } from '../../bot/jobs/send-allowance';
import type { SendAllowance } from '../../workflows/core/ports';
import { testRedisUrl, uniquePrefix } from '../support/redis';

const limit = { perWindow: 5, windowMs: 200 };
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
      const n = await (granted.length % 2 === 0 ? first : second).take(left);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(Math.min(left, limit.perWindow));
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
          const count = await allowance.take(wanted);
          grants.push({ at: Date.now(), count });
          left += wanted - count;
        }
      }),
    );
    expect(grants.reduce((sum, grant) => sum + grant.count, 0)).toBe(17);
    // Measured on this side of the round trip: a little margin for when the answers arrived.
    for (const { at } of grants) {
      const inWindow = grants.filter((other) => other.at >= at && other.at < at + limit.windowMs - 30);
      expect(inWindow.reduce((sum, grant) => sum + grant.count, 0)).toBeLessThanOrEqual(limit.perWindow);
    }
  });

  it('a full window frees up one window after it was granted, not at the next boundary', async () => {
    const [first, second] = pair();
    // Away from where a window of fixed boundaries would start (the test before ended on one).
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs / 2));
    expect(await first.take(limit.perWindow)).toBe(limit.perWindow);
    const granted = Date.now();
    expect(await second.take(limit.perWindow)).toBe(limit.perWindow);
    expect(Date.now() - granted).toBeGreaterThanOrEqual(limit.windowMs - 10);
  });

  it('spends at once what a quiet spell left unused', async () => {
    const [first, second] = pair();
    expect(await first.take(2)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs / 2));
    const asked = Date.now();
    expect(await second.take(limit.perWindow)).toBe(limit.perWindow - 2);
    expect(Date.now() - asked).toBeLessThan(limit.windowMs / 4);
  });

  it('gives nothing to anyone while paused (a 429 seen by one sender)', async () => {
    const [first, second] = pair();
    await first.pause(500);
    const started = Date.now();
    expect(await second.take(1)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
});
