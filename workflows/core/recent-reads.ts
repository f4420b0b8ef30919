/**
 * Reads shared across transactions for a short while: the same key loaded again within `ttlMs`
 * (wall time, whatever the domain clock says) gets the first load's promise. For what may be a
 * moment old (a reminder's agenda), never for what a decision depends on. A failed load is dropped.
 */
export function recentReads(ttlMs: number) {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const now = performance.now();
    const entry = entries.get(key);
    if (entry && now - entry.at < ttlMs) return entry.value as Promise<T>;
    for (const [old, { at }] of entries) if (now - at >= ttlMs) entries.delete(old);
    const value = load();
    entries.set(key, { at: now, value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
