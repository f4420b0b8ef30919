import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblems, parseGovernance } from '../../workflows/governance/index';

const example = readFileSync(new URL('../fixtures/governance/example.yaml', import.meta.url), 'utf8');

/** The example with one exact piece of text replaced. */
function exampleWith(from: string, to: string): string {
  expect(example.split(from)).toHaveLength(2);
  return example.replace(from, to);
}

/** The line where `snippet` first appears, so the expectations survive a reformatted fixture. */
function lineOf(snippet: string, text = example): number {
  const index = text.indexOf(snippet);
  expect(index).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split('\n').length;
}

function problemsOf(text: string) {
  const result = parseGovernance(text);
  if (result.ok) throw new Error('expected the file to be invalid');
  return result.errors;
}

describe('parseGovernance', () => {
  it('accepts the example file and converts its values', () => {
    const result = parseGovernance(example);
    if (!result.ok) throw new Error(formatProblems(result.errors));
    const [relationship] = result.file.relationships;
    expect(relationship?.id).toBe('acme-globex');
    expect(relationship?.escalation.levels.map((level) => [level.quorum, level.respond_within])).toEqual([
      [1, 4 * 3600],
      [1, 86_400],
      [1, 2 * 86_400],
    ]);
    expect(relationship?.escalation.business_hours).toEqual({
      days: [1, 2, 3, 4, 5],
      from: '09:00',
      to: '17:30',
    });
    expect(relationship?.reviews[0]).toMatchObject({
      at: '10:00',
      duration: 3600,
      remind_before: [86_400, 900],
    });
    expect(relationship?.reviews[1]?.start).toBe('2027-01-12T14:00:00Z');
  });

  it('names an unknown person with the path and line of the reference', () => {
    const errors = problemsOf(exampleWith('approvers: [carol]\n', 'approvers: [carl]\n'));
    const line = lineOf('approvers: [carol]');
    expect(errors).toEqual([
      {
        path: 'relationships[0].escalation.levels[1].approvers[0]',
        line,
        message: 'unknown person "carl"; did you mean "carol"?',
      },
    ]);
    expect(formatProblems(errors)).toBe(
      `relationships[0].escalation.levels[1].approvers[0]: unknown person "carl"; did you mean "carol"? (line ${line})`,
    );
  });

  it('rejects a duration without a known unit', () => {
    expect(problemsOf(exampleWith('respond_within: 4h', 'respond_within: 4x'))).toEqual([
      {
        path: 'relationships[0].escalation.levels[0].respond_within',
        line: lineOf('respond_within: 4h'),
        message: 'must be a duration: a number and a unit s, m, h, d or w (30s, 15m, 4h, 2d, 1w) (got "4x")',
      },
    ]);
  });

  it('rejects a time zone that is not an IANA zone', () => {
    expect(problemsOf(exampleWith('Europe/London', 'Europe/Londn'))).toEqual([
      {
        path: 'relationships[0].timezone',
        line: lineOf('timezone: Europe/London'),
        message: 'unknown time zone "Europe/Londn": use an IANA name like Europe/London',
      },
    ]);
  });

  it('reports an unknown key on its own line, with the likely intended key', () => {
    expect(problemsOf(exampleWith('respond_within: 4h', 'respond_witin: 4h'))).toEqual([
      {
        path: 'relationships[0].escalation.levels[0].respond_within',
        line: lineOf('- name: Service delivery'),
        message: 'is required',
      },
      {
        path: 'relationships[0].escalation.levels[0].respond_witin',
        line: lineOf('respond_within: 4h'),
        message: 'unknown key "respond_witin"; did you mean "respond_within"?',
      },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const [problem] = problemsOf('relationships:\n  - id: acme\n    name: [unclosed\n  people: 1\n');
    expect(problem?.message).toMatch(/^YAML syntax: /);
    expect(problem?.line).toBeGreaterThanOrEqual(3);
  });

  it('says what type a value must have', () => {
    expect(problemsOf(exampleWith('name: Acme and Globex managed services', 'name: [Acme]'))).toEqual([
      {
        path: 'relationships[0].name',
        line: lineOf('name: Acme and Globex'),
        message: 'must be text (got a list)',
      },
    ]);
    expect(problemsOf('')).toEqual([{ path: 'relationships', line: 1, message: 'is required' }]);
  });

  it('rejects duplicate ids of people, goals, reviews and relationships', () => {
    expect(problemsOf(exampleWith('{ id: frank,', '{ id: alice,'))).toContainEqual({
      path: 'relationships[0].people[5].id',
      line: lineOf('{ id: frank,'),
      message: `duplicate person id "alice" (first used on line ${lineOf('{ id: alice,')})`,
    });
    expect(problemsOf(exampleWith('id: quarterly-executive-review', 'id: weekly-service-review'))).toEqual([
      {
        path: 'relationships[0].reviews[1].id',
        line: lineOf('id: quarterly-executive-review'),
        message: `duplicate review id "weekly-service-review" (first used on line ${lineOf('id: weekly-service-review')})`,
      },
    ]);
    const withGoal = exampleWith(
      'owner: bob\n',
      'owner: bob\n      - { id: uptime, title: Again, owner: bob }\n',
    );
    expect(problemsOf(withGoal)).toEqual([
      {
        path: 'relationships[0].goals[1].id',
        line: lineOf('{ id: uptime, title: Again', withGoal),
        message: `duplicate goal id "uptime" (first used on line ${lineOf('id: uptime')})`,
      },
    ]);
    const relationship = example.slice(example.indexOf('  - id: acme-globex'));
    expect(problemsOf(`relationships:\n${relationship}${relationship}`)[0]).toMatchObject({
      path: 'relationships[1].id',
      message: 'duplicate relationship id "acme-globex" (first used on line 2)',
    });
  });

  it('rejects a quorum larger than the approvers and a person listed twice', () => {
    expect(problemsOf(exampleWith('quorum: 1', 'quorum: 3'))).toEqual([
      {
        path: 'relationships[0].escalation.levels[0].quorum',
        line: lineOf('quorum: 1'),
        message: 'quorum 3 is more than the 2 approvers of this level',
      },
    ]);
    expect(problemsOf(exampleWith('[alice, bob, carol, dave]', '[alice, bob, alice]'))).toEqual([
      {
        path: 'relationships[0].reviews[0].attendees[2]',
        line: lineOf('attendees: [alice, bob, carol, dave]'),
        message: '"alice" is listed twice',
      },
    ]);
    expect(parseGovernance(exampleWith('quorum: 1', 'quorum: all')).ok).toBe(true);
  });

  it('checks the shape of reviews and business hours', () => {
    expect(
      problemsOf(
        exampleWith('start: 2027-01-12T14:00:00Z', 'start: 2027-01-12T14:00:00Z\n        at: "10:00"'),
      ),
    ).toEqual([
      {
        path: 'relationships[0].reviews[1].start',
        line: lineOf('start: 2027-01-12T14:00:00Z'),
        message: 'use either rrule and at (a recurring meeting) or start (a one-off meeting), not both',
      },
    ]);
    expect(problemsOf(exampleWith('at: "10:00"', '# no time'))).toEqual([
      {
        path: 'relationships[0].reviews[0].at',
        line: lineOf('- id: weekly-service-review'),
        message: 'is required with rrule: the local time, like "10:00"',
      },
    ]);
    expect(problemsOf(exampleWith('days: mon-fri', 'days: mon-fry'))).toEqual([
      {
        path: 'relationships[0].escalation.business_hours.days',
        line: lineOf('days: mon-fri'),
        message: 'must be week days like mon-fri or mon,wed,fri (got "mon-fry")',
      },
    ]);
    expect(problemsOf(exampleWith('to: "17:30"', 'to: "08:00"'))).toEqual([
      {
        path: 'relationships[0].escalation.business_hours.to',
        line: lineOf('to: "17:30"'),
        message: 'must end after from (hours that cross midnight are not supported) (got "08:00")',
      },
    ]);
    const weekdays = parseGovernance(exampleWith('days: mon-fri', 'days: "mon,wed,fri"'));
    expect(weekdays.ok && weekdays.file.relationships[0]?.escalation.business_hours?.days).toEqual([1, 3, 5]);
  });
});
