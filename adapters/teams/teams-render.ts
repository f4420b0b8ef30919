import type { Attachment } from 'botbuilder';
import type { Notice } from '../../workflows/core/notice';
import { escapeCardMarkdown } from './teams-escape';

/** Renders a notice as an Adaptive Card 1.5 attachment, the version Teams renders on every client. */
export function noticeToAdaptiveCard(notice: Notice): Attachment {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: escapeCardMarkdown(notice.title),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    },
  ];
  if (notice.text) body.push({ type: 'TextBlock', text: escapeCardMarkdown(notice.text), wrap: true });
  if (notice.fields && notice.fields.length > 0) {
    body.push({
      type: 'FactSet',
      facts: notice.fields.map((field) => ({
        title: escapeCardMarkdown(field.label),
        value: escapeCardMarkdown(field.value),
      })),
    });
  }
  if (notice.input) {
    body.push({
      type: 'Input.Text',
      id: notice.input.id,
      label: notice.input.label,
      placeholder: notice.input.placeholder ?? '',
      isMultiline: true,
      maxLength: 3000,
    });
  }
  if (notice.context) {
    body.push({
      type: 'TextBlock',
      text: escapeCardMarkdown(notice.context),
      size: 'Small',
      isSubtle: true,
      wrap: true,
    });
  }
  // Action.Execute (Universal Actions) updates the card in place; clients without it fall back to
  // Action.Submit, which arrives as a message activity carrying the same data.
  const actions = (notice.actions ?? []).map((action) => {
    const data = { action: action.id, value: action.value };
    return {
      type: 'Action.Execute',
      title: action.label,
      verb: action.id,
      data,
      ...(action.style === 'danger' ? { style: 'destructive' } : action.style ? { style: 'positive' } : {}),
      fallback: { type: 'Action.Submit', title: action.label, data },
    };
  });
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      fallbackText: notice.fallback ?? notice.title,
      body,
      ...(actions.length > 0 ? { actions } : {}),
    },
  };
}
