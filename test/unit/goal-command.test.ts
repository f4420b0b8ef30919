import { describe, expect, it } from 'vitest';
import { goalHelp, parseGoalCommand } from '../../adapters/commands/goal-command';
import { goalId, readGoalFields, todayIn } from '../../workflows/goals/goal-input';

describe('the words of /goal', () => {
  it('reads help, list, propose and the form', () => {
    expect(parseGoalCommand('')).toEqual({ kind: 'help' });
    expect(parseGoalCommand('HELP')).toEqual({ kind: 'help' });
    expect(parseGoalCommand('list')).toEqual({ kind: 'list' });
    expect(parseGoalCommand('propose')).toEqual({ kind: 'form' });
    expect(parseGoalCommand('propose  Cut  ticket backlog by half')).toEqual({
      kind: 'propose',
      title: 'Cut  ticket backlog by half',
    });
  });

  it('reads achieved and drop with a goal id, and asks for what is missing', () => {
    expect(parseGoalCommand('achieved uptime')).toEqual({ kind: 'achieved', goal: 'uptime' });
    expect(parseGoalCommand('achieved acme/Uptime')).toEqual({ kind: 'achieved', goal: 'acme/uptime' });
    expect(parseGoalCommand('drop uptime No longer needed')).toEqual({
      kind: 'drop',
      goal: 'uptime',
      reason: 'No longer needed',
    });
    expect(parseGoalCommand('drop uptime')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('Say why'),
    });
    expect(parseGoalCommand('achieved')).toMatchObject({ kind: 'invalid' });
    expect(parseGoalCommand('achieved <@U1>')).toMatchObject({ kind: 'invalid' });
  });

  it('answers unreadable input as invalid, for the help to follow', () => {
    expect(parseGoalCommand('frobnicate now')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('frobnicate'),
    });
    expect(goalHelp('/goal')).toContain('/goal propose <title>');
  });
});

describe('goal fields', () => {
  it('makes a typeable id from the title with a random suffix', () => {
    expect(goalId('Cut the ticket backlog by 50%!')).toMatch(/^cut-the-ticket-backlog-by-50-[0-9a-f]{4}$/);
    expect(goalId('日本語')).toMatch(/^goal-[0-9a-f]{4}$/);
    expect(goalId('x'.repeat(200)).length).toBeLessThanOrEqual(45);
  });

  it('checks lengths and the target date against today where the relationship is', () => {
    expect(todayIn('Pacific/Auckland', new Date('2026-03-01T12:00:00Z'))).toBe('2026-03-02');
    expect(readGoalFields({ title: ' Uptime ', targetDate: '2026-03-02' }, '2026-03-02')).toMatchObject({
      title: 'Uptime',
      targetDate: '2026-03-02',
    });
    expect(() => readGoalFields({ title: 'x'.repeat(151) }, '2026-03-02')).toThrow('at most 150 characters');
    expect(() => readGoalFields({ title: 'Up', measure: 'm'.repeat(501) }, '2026-03-02')).toThrow(
      'at most 500',
    );
    expect(() => readGoalFields({ title: 'Up', targetDate: '2026-03-01' }, '2026-03-02')).toThrow(
      'in the past',
    );
    expect(() => readGoalFields({ title: 'Up', targetDate: '2026-02-30' }, '2026-03-02')).toThrow(
      'like 2027-03-31',
    );
  });
});
