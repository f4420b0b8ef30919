import { describe, expect, it } from 'vitest';
import { createDoorbell } from '../../bot/jobs/doorbell';

const LONG = 60_000;
/** Whether `sleeping` ends within a second (it is a minute-long sleep unless woken). */
const woken = (sleeping: Promise<void>) =>
  Promise.race([
    sleeping.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000)),
  ]);

describe('doorbell', () => {
  it('wakes one sleeper per ring, the one asleep longest', async () => {
    const bell = createDoorbell();
    const first = bell.sleep(LONG);
    const second = bell.sleep(LONG);
    bell.ring();
    expect(await woken(first)).toBe(true);
    expect(await woken(second)).toBe(false);
    bell.ring();
    expect(await woken(second)).toBe(true);
  });

  it('keeps a ring nobody heard for the next sleeper, once', async () => {
    const bell = createDoorbell();
    bell.ring();
    expect(await woken(bell.sleep(LONG))).toBe(true);
    const unrung = bell.sleep(LONG);
    expect(await woken(unrung)).toBe(false);
    bell.ring();
    await unrung;
  });

  it('wakes every sleeper on ringAll', async () => {
    const bell = createDoorbell();
    const sleepers = [bell.sleep(LONG), bell.sleep(LONG), bell.sleep(LONG)];
    bell.ringAll();
    expect(await Promise.all(sleepers.map(woken))).toEqual([true, true, true]);
  });
});
