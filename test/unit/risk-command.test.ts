import { describe, expect, it } from 'vitest';
import { parseChanges, parseRiskCommand, riskHelp } from '../../adapters/commands/risk-command';

describe('the /risk grammar', () => {
  it('reads help, list, add with and without a title, and close with a note', () => {
    expect(parseRiskCommand('')).toEqual({ kind: 'help' });
    expect(parseRiskCommand('  help ')).toEqual({ kind: 'help' });
    expect(parseRiskCommand('list')).toEqual({ kind: 'list' });
    expect(parseRiskCommand('add')).toEqual({ kind: 'add' });
    expect(parseRiskCommand('ADD  Data centre   flood ')).toEqual({
      kind: 'add',
      title: 'Data centre   flood',
    });
    expect(parseRiskCommand('close RSK-2')).toEqual({ kind: 'close', riskId: 2, note: '' });
    expect(parseRiskCommand('close rsk-12 Second site  is live')).toEqual({
      kind: 'close',
      riskId: 12,
      note: 'Second site  is live',
    });
  });

  it('answers what it cannot read with a reason', () => {
    expect(parseRiskCommand('frobnicate RSK-1')).toEqual({
      kind: 'invalid',
      message: '"frobnicate" is not a risk command.',
    });
    expect(parseRiskCommand('list everything')).toMatchObject({ kind: 'invalid' });
    expect(parseRiskCommand('close')).toEqual({ kind: 'invalid', message: 'Name the risk: `close RSK-2`.' });
    expect(parseRiskCommand('update ESC-2 impact=3')).toMatchObject({ kind: 'invalid' });
    expect(parseRiskCommand(`add ${'x'.repeat(10_000)}`)).toEqual({
      kind: 'invalid',
      message: 'The title is too long: at most 150 characters.',
    });
  });

  it('documents every form in the help for the platform', () => {
    const help = riskHelp('/risk');
    for (const form of [
      '/risk add',
      '/risk list',
      '/risk update RSK-2',
      '/risk close RSK-2',
      'review=YYYY-MM-DD',
    ]) {
      expect(help).toContain(form);
    }
    expect(riskHelp('risk')).toContain('• risk list');
  });
});

describe('the update parser', () => {
  it('reads likelihood, impact, owner and review date', () => {
    expect(parseRiskCommand('update RSK-2 likelihood=2 impact=4')).toEqual({
      kind: 'update',
      riskId: 2,
      changes: { likelihood: 2, impact: 4 },
    });
    expect(parseChanges('Owner=@dave review=2026-12-24')).toEqual({
      owner: { personId: 'dave' },
      reviewDate: '2026-12-24',
    });
    expect(parseChanges('owner=<@U0DAVE|dave>')).toEqual({ owner: { slackUserId: 'U0DAVE' } });
  });

  it('takes the mitigation to the end of the line, spaces and equals signs included', () => {
    expect(parseChanges('impact=3 mitigation=Second site; RPO = 15 min')).toEqual({
      impact: 3,
      mitigation: 'Second site; RPO = 15 min',
    });
    expect(parseChanges('mitigation=')).toEqual({ mitigation: '' });
  });

  it('refuses levels outside 1 to 5, bad dates, unknown keys, repeats and nothing at all', () => {
    expect(parseChanges('likelihood=9')).toEqual({
      message: 'Likelihood is a whole number from 1 (rare) to 5 (almost certain), not "9".',
    });
    expect(parseChanges('impact=high')).toEqual({
      message: 'Impact is a whole number from 1 (minimal) to 5 (severe), not "high".',
    });
    expect(parseChanges('impact=')).toMatchObject({ message: expect.stringContaining('Choose the impact') });
    expect(parseChanges('review=24/12/2026')).toEqual({
      message: 'The review date is a date like 2026-12-24, not "24/12/2026".',
    });
    expect(parseChanges('review=2026-02-30')).toMatchObject({ message: expect.any(String) });
    expect(parseChanges('colour=red')).toMatchObject({
      message: expect.stringContaining('"colour=red" is not a change I can read'),
    });
    expect(parseChanges('likelihood')).toMatchObject({ message: expect.any(String) });
    expect(parseChanges('impact=2 impact=3')).toEqual({ message: 'Say impact once.' });
    expect(parseChanges('owner=<script>')).toMatchObject({
      message: expect.stringContaining('Name the owner'),
    });
    expect(parseChanges('')).toMatchObject({ message: expect.stringContaining('Say what to change') });
    expect(parseRiskCommand('update RSK-2 likelihood=9 impact=4')).toEqual({
      kind: 'invalid',
      message: 'Likelihood is a whole number from 1 (rare) to 5 (almost certain), not "9".',
    });
  });
});
