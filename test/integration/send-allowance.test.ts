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

  it('gives nothing to anyone while paused (a 429 seen by one sender)', async () => {
    const [first, second] = pair();
    await first.pause(500);
    const started = Date.now();
    expect(await second.take(1)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
});
