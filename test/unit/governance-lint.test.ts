import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblems, validateGovernance } from '../../workflows/governance/index';

const example = readFileSync(new URL('../fixtures/governance/example.yaml', import.meta.url), 'utf8');

function exampleWith(...replacements: [string, string][]): string {
  return replacements.reduce((text, [from, to]) => {
    expect(text.split(from)).toHaveLength(2);
    return text.replace(from, to);
  }, example);
}

/** The line where `snippet` first appears, so the expectations survive a reformatted fixture. */
function lineOf(snippet: string): number {
  const index = example.indexOf(snippet);
  expect(index).toBeGreaterThanOrEqual(0);
  return example.slice(0, index).split('\n').length;
}

function problemsOf(text: string) {
  const result = validateGovernance(text);
  if (result.ok) throw new Error('expected the file to be invalid');
  return result.errors;
}

describe('lint rules', () => {
  it('pass the example file', () => {
    const result = validateGovernance(example);
    expect(result.ok ? [] : formatProblems(result.errors)).toEqual([]);
  });

  it('reject an approver with neither a Slack nor a Teams identity', () => {
    expect(problemsOf(exampleWith(['slack: U0DAVE }', '}']))).toEqual([
      {
        path: 'relationships[0].escalation.levels[0].approvers[0]',
        line: lineOf('approvers: [dave, bob]'),
        message:
          'approver "dave" has no Slack or Teams identity, so the bot cannot ask them: give person "dave" a slack or teams id',
      },
    ]);
  });

  it('reject a level with no approver', () => {
    expect(
      problemsOf(exampleWith(['approvers: [carol]\n          respond', 'approvers: []\n          respond'])),
    ).toEqual([
      {
        path: 'relationships[0].escalation.levels[1].approvers',
        line: lineOf('approvers: [carol]'),
        message: 'level 2 "Account leadership" has no approver',
      },
    ]);
  });

  it('reject the same Slack or Teams identity on two people', () => {
    expect(
      problemsOf(
        exampleWith(
          ['slack: U0DAVE', 'slack: U0ALICE'],
          ['teams: 7f4a0000-0000-4000-8000-0000000000f4', 'teams: 7b0b0000-0000-4000-8000-0000000000b0'],
        ),
      ),
    ).toEqual([
      {
        path: 'relationships[0].people[1].slack',
        line: lineOf('slack: U0DAVE'),
        message: `Slack user U0ALICE is also person "alice" (line ${lineOf('slack: U0ALICE')})`,
      },
      {
        path: 'relationships[0].people[5].teams',
        line: lineOf('teams: 7f4a0000'),
        message: `Teams user 7b0b0000-0000-4000-8000-0000000000b0 is also person "bob" (line ${lineOf('teams: 7b0b0000')})`,
      },
    ]);
  });

  it('reject an executive who is not a person of the relationship', () => {
    expect(problemsOf(exampleWith(['executive: erin', 'executive: eric']))).toEqual([
      {
        path: 'relationships[0].escalation.executive',
        line: lineOf('executive: erin'),
        message: 'unknown person "eric"; did you mean "erin"?',
      },
    ]);
  });

  it('reject an executive nobody can reach, since the executive is told when no one else answers', () => {
    const problems = problemsOf(exampleWith(['slack: U0ERIN }', '}']));
    expect(problems.map((problem) => problem.path)).toEqual([
      'relationships[0].escalation.executive',
      'relationships[0].escalation.levels[2].approvers[0]',
    ]);
    expect(problems[0]?.message).toBe(
      'executive "erin" has no Slack or Teams identity, and the executive is who gets told when nobody else can be reached',
    );
  });

  it('reject a chain in which no level can reach any approver', () => {
    const text = [
      'relationships:',
      '  - id: quiet',
      '    name: Nobody on chat',
      '    client: Acme',
      '    provider: Globex',
      '    timezone: UTC',
      '    people:',
      '      - { id: ann, name: Ann, side: client, email: ann@acme.example }',
      '      - { id: ed, name: Ed, side: client, slack: U0ED }',
      '    escalation:',
      '      executive: ed',
      '      levels:',
      '        - { name: First, approvers: [ann], respond_within: 1h }',
      '',
    ].join('\n');
    expect(problemsOf(text)).toContainEqual({
      path: 'relationships[0].escalation.levels',
      line: 12,
      message: 'no level has an approver on Slack or Teams, so an escalation could reach nobody',
    });
  });
});
