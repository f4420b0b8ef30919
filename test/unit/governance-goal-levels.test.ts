import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblems, validateGovernance } from '../../workflows/governance/index';

const fixture = readFileSync(new URL('../fixtures/governance/escalations.yaml', import.meta.url), 'utf8');

describe('a goal that names its own escalation levels', () => {
  it('is valid when its approvers are people of the relationship', () => {
    expect(validateGovernance(fixture).ok).toBe(true);
  });

  it('names an unknown approver of a goal level by path and line', () => {
    const result = validateGovernance(
      fixture.replace('approvers: [carol], respond_within: 2h', 'approvers: [carl], respond_within: 2h'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.errors)).toMatch(
      /relationships\[0\]\.goals\[0\]\.escalation_levels\[0\]\.approvers\[0\]: unknown person "carl"; did you mean "carol"\? \(line \d+\)/,
    );
  });

  it('refuses a goal level with no approver', () => {
    const result = validateGovernance(
      fixture.replace('approvers: [carol], respond_within: 2h', 'approvers: [], respond_within: 2h'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.errors)).toContain(
      'relationships[0].goals[0].escalation_levels[0].approvers: level 1 "Platform team" has no approver',
    );
  });

  it('agreement lists: one person never agrees for both sides', () => {
    const withAgreement = fixture.replace(
      '    goals:\n',
      '    goal_agreement: { client: [carol], provider: [carol] }\n    goals:\n',
    );
    const result = validateGovernance(withAgreement);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = formatProblems(result.errors);
    expect(text).toContain('carol is on the client side and cannot agree goals for the provider');
    expect(text).toContain('carol cannot agree goals for both the client and the provider');
  });
});
