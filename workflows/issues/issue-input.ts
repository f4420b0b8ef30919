import { z } from 'zod';
import { isCalendarDate } from '../core/calendar-date';

export const TITLE_MAX = 150;
export const DESCRIPTION_MAX = 3000;
export const priorities = ['low', 'medium', 'high'] as const;

export const dueDate = z
  .string()
  .trim()
  .refine(isCalendarDate, 'The due date must be a date like 2026-12-24.');

/** What a person types to propose an issue, checked the same way on every platform. */
export const issueFields = z.object({
  title: z
    .string()
    .transform((text) => text.trim())
    .pipe(
      z
        .string()
        .min(1, 'Give the issue a title.')
        .max(TITLE_MAX, `The title is too long: at most ${TITLE_MAX} characters.`),
    ),
  description: z
    .string()
    .max(
      DESCRIPTION_MAX,
      `The description is too long: at most ${DESCRIPTION_MAX.toLocaleString('en')} characters.`,
    )
    .optional()
    .transform((text) => text?.trim() ?? ''),
  owner: z.string().trim().min(1).optional(),
  due: dueDate.optional(),
  priority: z.enum(priorities, { message: `Priority is one of ${priorities.join(', ')}.` }).default('medium'),
});

export type IssueFields = z.input<typeof issueFields>;

export const firstProblem = (error: z.ZodError) => ({
  field: String(error.issues[0]?.path[0] ?? 'title'),
  message: error.issues[0]?.message ?? 'That input is not valid.',
});
