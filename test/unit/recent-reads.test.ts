import { describe, expect, it } from 'vitest';
import { recentReads } from '../../workflows/core/recent-reads';

describe('reads shared for a moment', () => {
  it('loads a key once within the window, again after it, and never keeps a failed load', async () => {
    const shared = recentReads(40);
    let loads = 0;
    const load = async () => ++loads;
    expect(await shared('agenda:acme', load)).toBe(1);
    expect(await shared('agenda:acme', load)).toBe(1);
    expect(await shared('agenda:globex', load)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await shared('agenda:acme', load)).toBe(3);

    await expect(shared('broken', () => Promise.reject(new Error('database went away')))).rejects.toThrow(
      'database went away',
    );
    expect(await shared('broken', load)).toBe(4);
  });
});
