import { z } from 'zod';
import { isCalendarDate } from '../core/calendar-date';

export const ITEM_TITLE_MAX = 150;
export const TEXT_MAX = 3000;

const title = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z
      .string()
      .min(1, 'Give it a title.')
      .max(ITEM_TITLE_MAX, `The title is too long: at most ${ITEM_TITLE_MAX} characters.`),
  );
const longText = (what: string) =>
  z
    .string()
    .max(TEXT_MAX, `${what} is too long: at most ${TEXT_MAX.toLocaleString('en')} characters.`)
    .optional()
    .transform((text) => text?.trim() ?? '');

export const agendaItemFields = z.object({ title, description: longText('The description') });

export const minutesFields = z.object({
  notes: longText('The notes'),
  decisions: longText('The decisions'),
  actionItems: longText('The action items'),
});

export type ActionItem = { title: string; owner?: string; due?: string };

/**
 * Action items, one per line: `title | owner | YYYY-MM-DD` (owner and due date optional). Owners are
 * person ids or names of the relationship; the caller resolves them.
 */
export function parseActionItems(text: string): { items: ActionItem[] } | { error: string } {
  const items: ActionItem[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const [rawTitle = '', owner, due, ...extra] = line.split('|').map((part) => part.trim());
    const where = `Action item ${index + 1}`;
    if (extra.length > 0) return { error: `${where}: write it as "title | owner | YYYY-MM-DD".` };
    if (!rawTitle) return { error: `${where} has no title.` };
    if (rawTitle.length > ITEM_TITLE_MAX)
      return { error: `${where}: the title is at most ${ITEM_TITLE_MAX} characters.` };
    if (due && !isCalendarDate(due))
      return { error: `${where}: the due date "${due}" is not a date like 2026-12-24.` };
    items.push({ title: rawTitle, ...(owner ? { owner } : {}), ...(due ? { due } : {}) });
  }
  return { items };
}

export const firstMessage = (error: z.ZodError) => ({
  field: String(error.issues[0]?.path[0] ?? 'title'),
  message: error.issues[0]?.message ?? 'That input is not valid.',
});
