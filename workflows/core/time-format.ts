/** An instant as a person reads it in their own time zone: `Tue 1 Dec, 14:00 GMT`. Host-independent. */
export function formatInZone(instant: Date, timeZone: string): string {
  return formatterFor(timeZone).format(instant).replace(/ at /, ', ');
}

// Building an Intl.DateTimeFormat is costly (it showed in profiles of /escalate); zones are few.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** A span of seconds in words: `4h`, `1d 2h`, `15m`. */
export function formatSpan(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'm'],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ') || `${rest}s`;
}
