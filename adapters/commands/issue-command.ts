import { parseIssueReference } from '../../workflows/issues/index';

/** The words of `/issue` (Slack) and `issue` (Teams): one grammar for both platforms. */
export type IssueCommand =
  | { kind: 'help' }
  | { kind: 'form' }
  | { kind: 'add'; title: string }
  | { kind: 'list' }
  | { kind: 'publication'; number: number }
  | { kind: 'resolve'; issueId: number; note: string }
  | { kind: 'assign'; issueId: number; owner: string }
  | { kind: 'due'; issueId: number; date: string }
  | { kind: 'invalid'; message: string };

export const issueHelp = (command: string) =>
  [
    `${command} keeps the relationship's issue list:`,
    `• ${command} add <title>: propose an issue (${command} add alone opens a form); the issue list's approvers approve it onto the list`,
    `• ${command} list: the open issues and those waiting for approval`,
    `• ${command} list v12: the issue list exactly as it was published as v12`,
    `• ${command} resolve ISS-3 <note>: close an issue`,
    `• ${command} assign ISS-3 <person>: give it an owner`,
    `• ${command} due ISS-3 <YYYY-MM-DD>: set its due date`,
  ].join('\n');

export function parseIssueCommand(raw: string): IssueCommand {
  const text = raw.trim();
  const [first = '', second = '', ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  if (text === '' || keyword === 'help') return { kind: 'help' };
  if (keyword === 'add') {
    const title = text.slice(first.length).trim();
    return title ? { kind: 'add', title } : { kind: 'form' };
  }
  if (keyword === 'list') {
    if (!second) return { kind: 'list' };
    const version = /^v(\d{1,6})$/i.exec(second);
    return version && rest.length === 0
      ? { kind: 'publication', number: Number(version[1]) }
      : { kind: 'invalid', message: 'Say `list` for the current list, or `list v12` for a publication.' };
  }
  if (keyword === 'resolve' || keyword === 'assign' || keyword === 'due') {
    const issueId = parseIssueReference(second);
    if (issueId === undefined)
      return { kind: 'invalid', message: `Name the issue: \`${keyword} ISS-3 ...\`.` };
    const argument = rest.join(' ');
    if (keyword === 'resolve') return { kind: 'resolve', issueId, note: argument };
    if (!argument)
      return {
        kind: 'invalid',
        message: keyword === 'assign' ? 'Say who: `assign ISS-3 dave`.' : 'Say when: `due ISS-3 2026-12-24`.',
      };
    return keyword === 'assign'
      ? { kind: 'assign', issueId, owner: argument }
      : { kind: 'due', issueId, date: argument };
  }
  return { kind: 'invalid', message: `"${first}" is not an issue command.` };
}
