/** What each implementation delivered, item by item: first arrival's lateness, repeats, and misses. */
export type Outcome = {
  expected: number;
  /** Lateness of the first arrival of each item that arrived, ms (due instant to arrival). */
  latenessMs: number[];
  /** Arrivals beyond the first, summed over items. */
  duplicates: number;
  /** Items with no arrival when the bounded wait ended. */
  lost: number;
};

/** From (item, lateness) pairs in arrival order, for items 0..expected-1. */
export function outcomeOf(expected: number, arrivals: Iterable<[item: number, latenessMs: number]>): Outcome {
  const first = new Map<number, number>();
  let duplicates = 0;
  for (const [item, latenessMs] of arrivals) {
    if (item < 0 || item >= expected) continue;
    const seen = first.get(item);
    if (seen === undefined) first.set(item, latenessMs);
    else {
      duplicates += 1;
      // Arrival order across processes is not lateness order: keep the earliest.
      if (latenessMs < seen) first.set(item, latenessMs);
    }
  }
  return { expected, latenessMs: [...first.values()], duplicates, lost: expected - first.size };
}
