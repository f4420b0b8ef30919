import { z } from 'zod';
import { severities } from '../../db/schema/escalations';

export const TITLE_MAX = 150;
export const DESCRIPTION_MAX = 3000;

/** What a person types to raise an escalation, checked the same way on every platform. */
export const raiseFields = z.object({
  title: z
    .string()
    .transform((text) => text.trim())
    .pipe(
      z
        .string()
        .min(1, 'Give the escalation a title.')
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
  severity: z.enum(severities, { message: `Severity is one of ${severities.join(', ')}.` }).default('medium'),
  goalId: z.string().trim().min(1).optional(),
});

export type RaiseFields = z.input<typeof raiseFields>;

/** The first problem, as a sentence for the person who typed it. */
export function firstProblem(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: String(issue?.path[0] ?? 'title'), message: issue?.message ?? 'That input is not valid.' };
}
