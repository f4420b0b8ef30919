import { type AwayUntil, type DelegateRef, parseReference } from '../../workflows/escalations/index';

/** The words of `/escalate` (Slack) and `escalate` (Teams): one grammar for both platforms. */
export type EscalateCommand =
  | { kind: 'form' }
  | { kind: 'help' }
  | { kind: 'raise'; title: string }
  | { kind: 'list' }
  | { kind: 'show'; escalationId: number }
  | { kind: 'resolve'; escalationId: number; note: string }
  | { kind: 'away'; until: AwayUntil; delegate?: DelegateRef | TeamsMention }
  | { kind: 'back' }
  | { kind: 'invalid'; message: string };

/**
 * A person @mentioned in Teams, as the message text shows them (`<at>Frank Li</at>`): only the
 * activity's mention entities say who that is, so the Teams adapter resolves it.
 */
export type TeamsMention = { teamsMention: string };

/** Help for the command as typed on a platform: `/escalate` in Slack, `escalate` in Teams. */
export const escalateHelp = (command: string) =>
  [
    `${command} raises and follows escalations through the approval levels:`,
    `• ${command} <title>: raise an escalation (at most 150 characters); ${command} alone opens a form`,
    `• ${command} list: the escalations you raised and those waiting for your decision`,
    `• ${command} show ESC-12: an escalation and its timeline`,
    `• ${command} resolve ESC-12 <note>: close it (the raiser or the escalation executive)`,
    `• ${command} away <until> [delegate]: away until a date (2026-12-24) or for a while (3d, 1w); your delegate decides for you`,
    `• ${command} back: end your absence`,
  ].join('\n');

export const NAME_ONE_DELEGATE =
  'Name one delegate, as a mention (@name) or their id in the governance file.';

const UNITS: Record<string, number> = { h: 3600, d: 86_400, w: 604_800 };

export function parseEscalateCommand(raw: string): EscalateCommand {
  const text = raw.trim();
  if (text === '') return { kind: 'form' };
  const [first = '', ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  if (rest.length === 0 && ['help', 'list', 'back'].includes(keyword)) {
    return { kind: keyword as 'help' | 'list' | 'back' };
  }
  if (keyword === 'show' || keyword === 'resolve') {
    const escalationId = parseReference(rest[0] ?? '');
    if (escalationId !== undefined) {
      return keyword === 'show'
        ? { kind: 'show', escalationId }
        : { kind: 'resolve', escalationId, note: rest.slice(1).join(' ') };
    }
    if (rest.length <= 1) return { kind: 'invalid', message: `Name the escalation: \`${keyword} ESC-12\`.` };
  }
  if (keyword === 'away' && rest.length >= 1) {
    const until = parseUntil(rest[0] ?? '');
    // "away team cannot reach the VPN" is a title; "away tomorrow" is a mistyped absence.
    if (!until && rest.length > 2) return { kind: 'raise', title: text };
    if (!until) {
      return {
        kind: 'invalid',
        message:
          'Say until when: a date like `2026-12-24` or a span like `3d` or `1w`, then optionally your delegate.',
      };
    }
    const named = rest.slice(1).join(' ');
    if (named === '') return { kind: 'away', until };
    const delegate = parseDelegate(named);
    if (!delegate) {
      return {
        kind: 'invalid',
        message: NAME_ONE_DELEGATE,
      };
    }
    return { kind: 'away', until, delegate };
  }
  return { kind: 'raise', title: text };
}

function parseUntil(token: string): AwayUntil | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(token) && !Number.isNaN(Date.parse(`${token}T00:00:00Z`)))
    return { date: token };
  const span = /^(\d{1,3})([hdw])$/i.exec(token);
  if (span) return { seconds: Number(span[1]) * (UNITS[span[2]?.toLowerCase() ?? 'd'] ?? 86_400) };
  return undefined;
}

function parseDelegate(token: string): DelegateRef | TeamsMention | undefined {
  // Slack sends a mention as <@U123> or <@U123|name> once the command escapes user names.
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token);
  if (mention?.[1]) return { slackUserId: mention[1] };
  // Teams writes a mention as <at>Name</at> in the text (a name may have spaces).
  const teams = /^<at>([^<]+)<\/at>$/.exec(token);
  if (teams?.[1]) return { teamsMention: teams[0] };
  const id = /^@?([a-z0-9][a-z0-9_.-]*)$/i.exec(token);
  return id?.[1] ? { personId: id[1] } : undefined;
}
