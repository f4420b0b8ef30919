/** The words of `/review` (Slack) and `review` (Teams): one grammar for both platforms. */
export type ReviewCommand =
  | { kind: 'help' }
  | { kind: 'next' }
  | { kind: 'agenda' }
  | { kind: 'minutes' }
  | { kind: 'schedule'; phrase: string }
  | { kind: 'cancel' | 'skip'; seriesId?: string }
  | { kind: 'invalid'; message: string };

export const reviewHelp = (command: string, forms: string) =>
  [
    `${command} runs the relationship's review meetings:`,
    `• ${command} next: your next meetings, in your time zone`,
    `• ${command} agenda: the live agenda of your next meeting`,
    `• ${command} schedule <when> <title>: schedule a meeting for everyone in the relationship`,
    `• ${command} cancel [series]: cancel the next meeting and tell the attendees (organiser or executive)`,
    `• ${command} skip [series]: skip the next meeting quietly (organiser or executive)`,
    `• ${command} minutes: record the minutes of your last meeting`,
    '',
    forms,
  ].join('\n');

export function parseReviewCommand(raw: string): ReviewCommand {
  const text = raw.trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  if (text === '' || keyword === 'help') return { kind: 'help' };
  if (rest.length === 0 && (keyword === 'next' || keyword === 'agenda' || keyword === 'minutes'))
    return { kind: keyword };
  if (keyword === 'schedule') return { kind: 'schedule', phrase: rest.join(' ') };
  if ((keyword === 'cancel' || keyword === 'skip') && rest.length <= 1) {
    return rest[0] ? { kind: keyword, seriesId: rest[0] } : { kind: keyword };
  }
  return { kind: 'invalid', message: `"${first}" is not a review command.` };
}
