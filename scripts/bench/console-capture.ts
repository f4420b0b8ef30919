/**
 * Counts what the code under test writes with console.error and console.warn instead of printing
 * it: Bolt logs one line per late acknowledgement, thousands under overload, which would bury the
 * report. `restore` puts the console back and returns each distinct line with its count.
 */
export function captureConsole() {
  const counts = new Map<string, number>();
  const { error, warn } = console;
  const record = (...args: unknown[]) => {
    const line = args.map(String).join(' ').replace(/\s+/g, ' ').trim().slice(0, 140);
    counts.set(line, (counts.get(line) ?? 0) + 1);
  };
  console.error = record;
  console.warn = record;
  return {
    restore: (): [line: string, count: number][] => {
      console.error = error;
      console.warn = warn;
      return [...counts];
    },
  };
}
