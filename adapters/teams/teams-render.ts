import type { Attachment } from 'botbuilder';
import type { Notice } from '../../workflows/core/notice';
import { adaptiveCard, executeAction, headingBlock, textBlock } from './teams-card-kit';
import { escapeCardMarkdown } from './teams-escape';

/** Renders a notice as an Adaptive Card. */
export function noticeToAdaptiveCard(notice: Notice): Attachment {
  const body: Record<string, unknown>[] = [headingBlock(notice.title)];
  if (notice.text) body.push(textBlock(notice.text));
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
  if (notice.context) body.push(textBlock(notice.context, { size: 'Small', isSubtle: true }));
  const actions = (notice.actions ?? []).map((action) =>
    executeAction({
      title: action.label,
      verb: action.id,
      value: action.value,
      style: action.style === 'danger' ? 'destructive' : action.style ? 'positive' : undefined,
    }),
  );
  return adaptiveCard({ fallbackText: notice.fallback ?? notice.title, body, actions });
}
