import { describe, expect, it } from 'vitest';
import { noticeToAdaptiveCard } from '../../adapters/teams/teams-render';
import type { Notice } from '../../workflows/core/notice';

type Card = {
  type: string;
  version: string;
  fallbackText: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
};

const render = (notice: Notice) => {
  const attachment = noticeToAdaptiveCard(notice);
  return { contentType: attachment.contentType, card: attachment.content as Card };
};

const request: Notice = {
  title: 'ESC-7: Router down',
  fields: [{ label: 'Respond by', value: 'Tue 1 Dec, 22:00 GMT+8' }],
  input: { id: 'reason', label: 'Reason (optional)', placeholder: 'Why you decide' },
  actions: [
    { id: 'escalation.approve', label: 'Approve', value: '7.1', style: 'primary' },
    { id: 'escalation.reject', label: 'Reject', value: '7.1', style: 'danger' },
    { id: 'escalation.escalate', label: 'Escalate now', value: '7.1' },
  ],
  fallback: 'ESC-7 needs your decision: Router down',
};

describe('noticeToAdaptiveCard', () => {
  it('is an Adaptive Card 1.5 attachment with the fallback text', () => {
    const { contentType, card } = render(request);
    expect(contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(card.fallbackText).toBe('ESC-7 needs your decision: Router down');
  });

  it('falls back to the title when the notice has no fallback text', () => {
    expect(render({ title: 'Plain' }).card.fallbackText).toBe('Plain');
  });

  it('escapes markdown links, emphasis and mentions typed by a user', () => {
    const { card } = render({
      title: '[click](https://evil.example)',
      text: '**bold** _italic_ <at>x</at> # heading & more',
      fields: [{ label: 'Goal', value: '- item' }],
      context: '`code`',
    });
    const texts = card.body.filter((element) => element.type === 'TextBlock').map((element) => element.text);
    expect(texts[0]).toBe('\\[click\\]\\(https://evil\\.example\\)');
    expect(texts[1]).toBe('\\*\\*bold\\*\\* \\_italic\\_ \\<at\\>x\\</at\\> \\# heading &amp; more');
    expect(texts[2]).toBe('\\`code\\`');
    const facts = card.body.find((element) => element.type === 'FactSet')?.facts;
    expect(facts).toEqual([{ title: 'Goal', value: '\\- item' }]);
    expect(JSON.stringify(card.body)).not.toContain('[click](');
  });

  it('shows fields as a FactSet', () => {
    const facts = render(request).card.body.find((element) => element.type === 'FactSet')?.facts;
    expect(facts).toEqual([{ title: 'Respond by', value: 'Tue 1 Dec, 22:00 GMT\\+8' }]);
  });

  it('renders the optional input as a multiline Input.Text whose id names it in the action data', () => {
    const input = render(request).card.body.find((element) => element.type === 'Input.Text');
    expect(input).toMatchObject({
      id: 'reason',
      label: 'Reason (optional)',
      placeholder: 'Why you decide',
      isMultiline: true,
      maxLength: 3000,
    });
  });

  it('makes each action an Action.Execute with an Action.Submit fallback carrying the same data', () => {
    const actions = render(request).card.actions ?? [];
    expect(actions).toHaveLength(3);
    expect(actions[0]).toEqual({
      type: 'Action.Execute',
      title: 'Approve',
      verb: 'escalation.approve',
      data: { action: 'escalation.approve', value: '7.1' },
      style: 'positive',
      fallback: {
        type: 'Action.Submit',
        title: 'Approve',
        data: { action: 'escalation.approve', value: '7.1' },
      },
    });
    expect(actions[1]).toMatchObject({ verb: 'escalation.reject', style: 'destructive' });
    expect(actions[2]).not.toHaveProperty('style');
  });

  it('has no actions or input when the notice has none', () => {
    const { card } = render({ title: 'ESC-7: Router down', context: 'Rejected by Bob Provider' });
    expect(card.actions).toBeUndefined();
    expect(card.body.some((element) => element.type === 'Input.Text')).toBe(false);
    expect(card.body.at(-1)).toMatchObject({ type: 'TextBlock', isSubtle: true, size: 'Small' });
  });
});
