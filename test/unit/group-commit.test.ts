import { describe, expect, it } from 'vitest';
import { groupCommitted } from '../../workflows/core/group-commit';
import { heldBack } from '../support/wait';

/**
 * A group commit whose first statement runs until the test releases it, recording each batch: the
 * calls made meanwhile show how they are batched.
 */
function firstBatchHeld<I, O>(write: (inputs: I[]) => O[], maxBatch: number) {
  const batches: I[][] = [];
  const { held, release } = heldBack();
  const call = groupCommitted(async (inputs: I[]) => {
    batches.push(inputs);
    if (batches.length === 1) await held;
    return write(inputs);
  }, maxBatch);
  return { call, batches, release };
}

describe('group commit', () => {
  it('writes a lone call at once, and the calls made while it runs together in the next batch', async () => {
    const {
      call: double,
      batches,
      release,
    } = firstBatchHeld((inputs: number[]) => inputs.map((input) => input * 2), 3);

    const first = double(1);
    const rest = [2, 3, 4, 5, 6].map((input) => double(input));
    expect(batches).toEqual([[1]]);
    release();

    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 8, 10, 12]);
    // At most three to a batch, in the order the calls came.
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it("tries each call of a failed batch alone, so one caller's failure is never another's", async () => {
    const {
      call: shout,
      batches,
      release,
    } = firstBatchHeld((inputs: string[]) => {
      if (inputs.includes('bad')) throw new Error('the statement failed');
      return inputs.map((input) => input.toUpperCase());
    }, 10);

    const first = shout('first');
    const calls = ['good', 'bad', 'fine'].map((input) =>
      shout(input).then(
        (output) => output,
        (error: Error) => error.message,
      ),
    );
    release();

    expect(await first).toBe('FIRST');
    expect(await Promise.all(calls)).toEqual(['GOOD', 'the statement failed', 'FINE']);
    expect(batches).toEqual([['first'], ['good', 'bad', 'fine'], ['good'], ['bad'], ['fine']]);
  });
});
