import {
  CHANGE_FORMS,
  checkLevel,
  isCalendarDate,
  type PersonRef,
  parseRiskReference,
  type RiskChanges,
  TITLE_MAX,
} from '../../workflows/risks/index';

/** The words of `/risk` (Slack) and `risk` (Teams): one grammar for both platforms. */
export type RiskCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'add'; title?: string }
  | { kind: 'update'; riskId: number; changes: RiskChanges }
  | { kind: 'close'; riskId: number; note: string }
  | { kind: 'invalid'; message: string };

/** Help for the command as typed on a platform: `/risk` in Slack, `risk` in Teams. */
export const riskHelp = (command: string) =>
  [
    `${command} keeps the relationship's risk register (score = likelihood × impact, each 1 to 5):`,
    `• ${command} add [title]: a form for a new risk: title, likelihood, impact, owner, mitigation, review date`,
    `• ${command} list: the open risks of your relationships, highest score first`,
    `• ${command} update RSK-2 likelihood=2 impact=4: change a risk (${CHANGE_FORMS})`,
    `• ${command} close RSK-2 [note]: take a risk off the register`,
    'The owner, whoever raised the risk and the escalation executive may change or close it. The owner is reminded on the review date.',
  ].join('\n');

const invalid = (message: string): RiskCommand => ({ kind: 'invalid', message });

export function parseRiskCommand(raw: string): RiskCommand {
  const text = raw.trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  if (text === '' || (keyword === 'help' && rest.length === 0)) return { kind: 'help' };
  if (keyword === 'list' && rest.length === 0) return { kind: 'list' };
  if (keyword === 'add') {
    const title = text.slice(first.length).trim();
    if (title.length > TITLE_MAX) return invalid(`The title is too long: at most ${TITLE_MAX} characters.`);
    return title ? { kind: 'add', title } : { kind: 'add' };
  }
  if (keyword === 'update' || keyword === 'close') {
    const riskId = parseRiskReference(rest[0] ?? '');
    if (riskId === undefined) return invalid(`Name the risk: \`${keyword} RSK-2\`.`);
    const after = text
      .slice(first.length)
      .trim()
      .slice((rest[0] ?? '').length)
      .trim();
    if (keyword === 'close') return { kind: 'close', riskId, note: after };
    const changes = parseChanges(after);
    return 'message' in changes ? invalid(changes.message) : { kind: 'update', riskId, changes };
  }
  return invalid(`"${first.slice(0, 40)}" is not a risk command.`);
}

const KEYS = ['likelihood', 'impact', 'owner', 'review', 'mitigation'] as const;

/**
 * `likelihood=2 impact=4 owner=dave review=2026-12-24 mitigation=any text to the end`. Mitigation
 * comes last because its text may hold spaces and `=`.
 */
export function parseChanges(text: string): RiskChanges | { message: string } {
  const mitigationAt = /(?:^|\s)mitigation=/i.exec(text);
  const pairs = (mitigationAt ? text.slice(0, mitigationAt.index) : text).split(/\s+/).filter(Boolean);
  const changes: RiskChanges = {};
  if (mitigationAt) changes.mitigation = text.slice(mitigationAt.index + mitigationAt[0].length).trim();
  const seen = new Set<string>();
  for (const pair of pairs) {
    const [rawKey = '', ...value] = pair.split('=');
    const key = rawKey.toLowerCase();
    const typed = value.join('=');
    if (value.length === 0 || !KEYS.includes(key as (typeof KEYS)[number])) {
      return { message: `"${pair.slice(0, 40)}" is not a change I can read. Write ${CHANGE_FORMS}.` };
    }
    if (seen.has(key)) return { message: `Say ${key} once.` };
    seen.add(key);
    if (key === 'likelihood' || key === 'impact') {
      try {
        changes[key] = checkLevel(key, typed);
      } catch (error) {
        return { message: (error as Error).message };
      }
    } else if (key === 'review') {
      if (!isCalendarDate(typed)) {
        return { message: `The review date is a date like 2026-12-24, not "${typed.slice(0, 20)}".` };
      }
      changes.reviewDate = typed;
    } else if (key === 'owner') {
      const owner = parseOwner(typed);
      if (!owner) return { message: 'Name the owner by their id in the governance file, or mention them.' };
      changes.owner = owner;
    }
  }
  if (Object.keys(changes).length === 0) return { message: `Say what to change: ${CHANGE_FORMS}.` };
  return changes;
}

function parseOwner(token: string): PersonRef | undefined {
  // Slack sends a mention as <@U123> or <@U123|name> once the command escapes user names.
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token);
  if (mention?.[1]) return { slackUserId: mention[1] };
  const id = /^@?([a-z0-9][a-z0-9_.-]*)$/i.exec(token);
  return id?.[1] ? { personId: id[1] } : undefined;
}
