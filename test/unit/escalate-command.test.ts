import { describe, expect, it } from 'vitest';
import { parseEscalateCommand } from '../../adapters/commands/escalate-command';

describe('the words of /escalate', () => {
  it('opens the form for nothing, and raises for any other text', () => {
    expect(parseEscalateCommand('  ')).toEqual({ kind: 'form' });
    expect(parseEscalateCommand('Router down in Leeds')).toEqual({
      kind: 'raise',
      title: 'Router down in Leeds',
    });
    expect(parseEscalateCommand('list of failing backups')).toEqual({
      kind: 'raise',
      title: 'list of failing backups',
    });
  });

  it('reads the subcommands', () => {
    expect(parseEscalateCommand('list')).toEqual({ kind: 'list' });
    expect(parseEscalateCommand('HELP')).toEqual({ kind: 'help' });
    expect(parseEscalateCommand('back')).toEqual({ kind: 'back' });
    expect(parseEscalateCommand('show ESC-12')).toEqual({ kind: 'show', escalationId: 12 });
    expect(parseEscalateCommand('show esc-7')).toEqual({ kind: 'show', escalationId: 7 });
    expect(parseEscalateCommand('resolve ESC-12 Vendor patched it')).toEqual({
      kind: 'resolve',
      escalationId: 12,
      note: 'Vendor patched it',
    });
  });

  it('reads an absence with a date or a span and a delegate as a Slack mention or an id', () => {
    expect(parseEscalateCommand('away 2026-12-24 <@U0CAROL|carol>')).toEqual({
      kind: 'away',
      until: { date: '2026-12-24' },
      delegate: { slackUserId: 'U0CAROL' },
    });
    expect(parseEscalateCommand('away 3d carol')).toEqual({
      kind: 'away',
      until: { seconds: 3 * 86_400 },
      delegate: { personId: 'carol' },
    });
    expect(parseEscalateCommand('away 1w')).toEqual({ kind: 'away', until: { seconds: 604_800 } });
  });

  it('reads a Teams mention with spaces in the name as one delegate, for the Teams adapter to resolve', () => {
    expect(parseEscalateCommand('away 3d <at>Frank Li</at>')).toEqual({
      kind: 'away',
      until: { seconds: 3 * 86_400 },
      delegate: { teamsMention: '<at>Frank Li</at>' },
    });
  });

  it('refuses two delegates rather than raising an escalation titled with the absence', () => {
    expect(parseEscalateCommand('away 3d carol dave')).toMatchObject({
      kind: 'invalid',
      message: 'Name one delegate, as a mention (@name) or their id in the governance file.',
    });
    // Not an absence at all: a title that starts with "away".
    expect(parseEscalateCommand('away team cannot reach the VPN')).toEqual({
      kind: 'raise',
      title: 'away team cannot reach the VPN',
    });
  });

  it('explains what it could not read', () => {
    expect(parseEscalateCommand('away tomorrow')).toMatchObject({ kind: 'invalid' });
    expect(parseEscalateCommand('show')).toMatchObject({
      kind: 'invalid',
      message: 'Name the escalation: `show ESC-12`.',
    });
    expect(parseEscalateCommand('away 2026-13-45')).toMatchObject({ kind: 'invalid' });
  });
});
