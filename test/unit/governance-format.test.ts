import { describe, expect, it } from 'vitest';
import {
  formatDays,
  formatDuration,
  parseDays,
  parseDuration,
} from '../../workflows/governance/governance-values';
import { formatPlan } from '../../workflows/governance/index';

describe('governance values', () => {
  it('read durations in seconds and print them in the largest even unit', () => {
    expect(['30s', '15m', '4h', '2d', '1w'].map(parseDuration)).toEqual([30, 900, 14_400, 172_800, 604_800]);
    expect(['0m', '4', '4x', '1.5h', 'h', ''].map(parseDuration)).toEqual(Array(6).fill(undefined));
    expect([3600, 5400, 86_400, 90].map(formatDuration)).toEqual(['1h', '90m', '1d', '90s']);
  });

  it('read week days with ranges, lists and wrap-around, Sunday being 0', () => {
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('mon,wed,fri')).toEqual([1, 3, 5]);
    expect(parseDays('fri-mon')).toEqual([0, 1, 5, 6]);
    expect(parseDays('mon-fry')).toBeUndefined();
    expect(parseDays('mon-wed-fri')).toBeUndefined();
    expect(
      [
        [1, 2, 3, 4, 5],
        [1, 3, 5],
        [0, 6],
        [0, 1, 2, 3, 4],
      ].map(formatDays),
    ).toEqual(['mon-fri', 'mon,wed,fri', 'sat,sun', 'mon-thu,sun']);
  });
});

describe('formatPlan', () => {
  it('prints each change and a summary like terraform', () => {
    expect(
      formatPlan([
        { action: 'add', entity: 'person', relationshipId: 'acme-globex', key: 'alice', fields: [] },
        { action: 'restore', entity: 'person', relationshipId: 'acme-globex', key: 'frank' },
        {
          action: 'change',
          entity: 'level',
          relationshipId: 'acme-globex',
          key: '1',
          fields: [{ name: 'respond_within', from: '4h', to: '2h' }],
        },
        {
          action: 'change',
          entity: 'relationship',
          relationshipId: 'acme-globex',
          key: 'acme-globex',
          fields: [
            { name: 'name', from: 'Acme', to: 'Acme and Globex' },
            { name: 'channels.slack', from: null, to: 'C0GOVERN' },
          ],
        },
        {
          action: 'retire',
          entity: 'role',
          relationshipId: 'acme-globex',
          key: 'issue_list/stakeholder/frank',
        },
      ]),
    ).toBe(
      [
        '+ add person acme-globex/alice',
        '+ restore person acme-globex/frank',
        '~ change level acme-globex/1 respond_within: 4h -> 2h',
        '~ change relationship acme-globex',
        '    name: Acme -> "Acme and Globex"',
        '    channels.slack: (none) -> C0GOVERN',
        '- retire role acme-globex/issue_list/stakeholder/frank',
        '',
        'Plan: 1 to add, 1 to restore, 2 to change, 1 to retire.',
      ].join('\n'),
    );
    expect(formatPlan([])).toBe('No changes: the database matches the file.');
  });
});
