/**
 * Wakes a poller that sleeps between looks. A ring with nobody asleep is kept, so a poller busy with
 * its last look (which may have missed what the ring was for) looks again instead of sleeping.
 */
export type Doorbell = {
  /** Sleeps up to `ms`, or less if the bell rings (or rang while nobody slept). */
  sleep: (ms: number) => Promise<void>;
  /** Wakes one sleeper, or the next one to sleep. */
  ring: () => void;
  /** Wakes every sleeper, and the next one to sleep (after a gap in which rings may have been lost). */
  ringAll: () => void;
};

export function createDoorbell(): Doorbell {
  const sleepers: (() => void)[] = [];
  let rang = false;
  return {
    sleep: (ms) => {
      if (rang) {
        rang = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          const at = sleepers.indexOf(wake);
          if (at >= 0) sleepers.splice(at, 1);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.push(wake);
      });
    },
    ring: () => {
      const first = sleepers[0];
      if (first) first();
      else rang = true;
    },
    ringAll: () => {
      for (const wake of [...sleepers]) wake();
      rang = true;
    },
  };
}
