type Waiting<I, O> = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };

/**
 * Group commit: one statement in flight at a time, and the calls made while it runs are written
 * together by the next, one statement for all. A lone call goes at once, so it adds no wait when
 * things are quiet; under a burst, each statement (its round trip, its commit) serves many callers.
 * `run` gets the inputs in the order they came and returns one output per input, in that order. If
 * a batch fails, each of its inputs is tried alone, so one caller's failure is never another's.
 */
export function groupCommitted<I, O>(run: (inputs: I[]) => Promise<O[]>, maxBatch: number) {
  const queued: Waiting<I, O>[] = [];
  let writing = false;

  async function write(batch: Waiting<I, O>[]) {
    try {
      const outputs = await run(batch.map((call) => call.input));
      if (outputs.length !== batch.length) throw new Error('a batch must give one output per input');
      for (const [i, call] of batch.entries()) call.resolve(outputs[i] as O);
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      else for (const call of batch) await write([call]);
    }
  }

  function next() {
    if (writing || queued.length === 0) return;
    writing = true;
    void write(queued.splice(0, maxBatch)).finally(() => {
      writing = false;
      next();
    });
  }

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      queued.push({ input, resolve, reject });
      next();
    });
}
