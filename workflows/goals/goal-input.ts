import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { GoalError } from './goal-errors';

export const TITLE_MAX = 150;
export const DESCRIPTION_MAX = 3000;
export const MEASURE_MAX = 500;
export const NOTE_MAX = 3000;

const optionalText = (max: number, what: string) =>
  z
    .string()
    .max(max, `The ${what} is too long: at most ${max.toLocaleString('en')} characters.`)
    .optional()
    .transform((text) => text?.trim() ?? '');

/** What a person types to propose a goal, checked the same way on every platform. */
const proposeFields = z.object({
  title: z
    .string()
    .transform((text) => text.trim())
    .pipe(
      z
        .string()
        .min(1, 'Give the goal a title.')
        .max(TITLE_MAX, `The title is too long: at most ${TITLE_MAX} characters.`),
    ),
  description: optionalText(DESCRIPTION_MAX, 'description'),
  measure: optionalText(MEASURE_MAX, 'measure and target'),
  targetDate: z
    .string()
    .optional()
    .transform((text) => text?.trim() || undefined)
    .refine((text) => text === undefined || isCalendarDate(text), {
      message: 'The target date must be a date like 2027-03-31.',
    }),
});

export type ProposeFields = z.input<typeof proposeFields>;
export type GoalFields = z.output<typeof proposeFields>;

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Today's date where the relationship lives: a target date is compared with it, not with UTC. */
export const todayIn = (timeZone: string, now: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );

/** The fields as stored, or the first problem as a sentence, naming its field. */
export function readGoalFields(input: ProposeFields, today: string): GoalFields {
  const parsed = proposeFields.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GoalError(
      'invalid_input',
      issue?.message ?? 'That input is not valid.',
      String(issue?.path[0] ?? 'title'),
    );
  }
  const { targetDate } = parsed.data;
  if (targetDate && targetDate < today) {
    throw new GoalError(
      'invalid_input',
      `The target date ${targetDate} is in the past: choose today (${today}) or later.`,
      'targetDate',
    );
  }
  return parsed.data;
}

/** The optional note of an answer or a drop, length-limited like every typed text. */
export function readNote(note: string | undefined): string {
  const text = note?.trim() ?? '';
  if (text.length > NOTE_MAX) {
    throw new GoalError(
      'invalid_input',
      `The note is too long: at most ${NOTE_MAX.toLocaleString('en')} characters.`,
      'note',
    );
  }
  return text;
}

/**
 * A chat goal's id: a slug of its title plus a random suffix, so two goals with the same title (or
 * a chat goal and a file goal) never collide, and the id stays typeable in `/goal achieved <id>`.
 */
export function goalId(title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const suffix = randomBytes(3).toString('hex').slice(0, 4);
  return `${slug || 'goal'}-${suffix}`;
}
