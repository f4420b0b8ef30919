import { RiskError } from './risk-errors';
import { IMPACTS, isCalendarDate, LEVEL_MAX, LEVEL_MIN, LIKELIHOODS, readLevel } from './risk-score';

export const TITLE_MAX = 150;
export const MITIGATION_MAX = 3000;
export const NOTE_MAX = 3000;

const invalid = (field: string, message: string) => new RiskError('invalid_input', message, field);

/** What a person typed, quoted back short enough to read. */
const quoted = (value: unknown) => {
  const text = String(value);
  return `"${text.length > 20 ? `${text.slice(0, 19)}…` : text}"`;
};

export function checkTitle(value: string | undefined): string {
  const title = (value ?? '').trim();
  if (!title) throw invalid('title', 'Give the risk a title.');
  if (title.length > TITLE_MAX) {
    throw invalid('title', `The title is too long: at most ${TITLE_MAX} characters.`);
  }
  return title;
}

export function checkLevel(field: 'likelihood' | 'impact', value: unknown): number {
  const level = readLevel(value);
  if (level !== undefined) return level;
  const [name, scale] = field === 'likelihood' ? ['Likelihood', LIKELIHOODS] : ['Impact', IMPACTS];
  const range = `from ${LEVEL_MIN} (${scale[0].toLowerCase()}) to ${LEVEL_MAX} (${scale[LEVEL_MAX - 1]?.toLowerCase()})`;
  if (value === undefined || value === null || String(value).trim() === '') {
    throw invalid(field, `Choose the ${name.toLowerCase()}, ${range}.`);
  }
  throw invalid(field, `${name} is a whole number ${range}, not ${quoted(value)}.`);
}

export function checkMitigation(value: string | undefined): string {
  const mitigation = (value ?? '').trim();
  if (mitigation.length > MITIGATION_MAX) {
    throw invalid(
      'mitigation',
      `The mitigation is too long: at most ${MITIGATION_MAX.toLocaleString('en')} characters.`,
    );
  }
  return mitigation;
}

/** A review date is a calendar date no earlier than `today` (in the zone of whoever sets it). */
export function checkReviewDate(value: string, today: string): string {
  const date = value.trim();
  if (!isCalendarDate(date)) {
    throw invalid('reviewDate', `The review date is a date like ${today}, not ${quoted(value)}.`);
  }
  if (date < today) {
    throw invalid('reviewDate', `The review date ${date} is in the past: choose today (${today}) or later.`);
  }
  return date;
}

export function checkNote(value: string | undefined): string {
  const note = (value ?? '').trim();
  if (note.length > NOTE_MAX) {
    throw invalid('note', `The note is too long: at most ${NOTE_MAX.toLocaleString('en')} characters.`);
  }
  return note;
}
