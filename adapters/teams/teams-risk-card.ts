import type { Attachment } from 'botbuilder';
import { IMPACTS, LIKELIHOODS, MITIGATION_MAX, TITLE_MAX } from '../../workflows/risks/index';
import { adaptiveCard, errorBlock, executeAction, headingBlock, readFormValues } from './teams-card-kit';

export const ADD_RISK_VERB = 'risk.add';
/** Input ids equal the workflow's field names; Teams merges each input into the action data by id. */
export const FIELD = {
  title: 'title',
  likelihood: 'likelihood',
  impact: 'impact',
  owner: 'owner',
  mitigation: 'mitigation',
  reviewDate: 'reviewDate',
  relationship: 'relationship',
} as const;

type Option = { value: string; label: string };
export type RiskFormValues = Partial<Record<keyof typeof FIELD, string>>;

// Teams shows at most this many choices comfortably; governance files stay far below it.
const CHOICES_MAX = 100;

const choices = (options: Option[]) =>
  options.slice(0, CHOICES_MAX).map(({ value, label }) => ({ title: label, value }));
const levels = (names: readonly string[]) =>
  names.map((name, index) => ({ title: `${index + 1} · ${name}`, value: String(index + 1) }));

/**
 * The `risk add` form as an Adaptive Card 1.5. Inputs and choices show plain text, so typed values go
 * back as they were; only TextBlocks pass through the markdown escaper. The action data
 * carries the relationship when only one was offered, as Slack's private_metadata does.
 */
export function addRiskCard(input: {
  values?: RiskFormValues;
  relationships: Option[];
  people: Option[];
  error?: { field: string; message: string };
}): Attachment {
  const values = input.values ?? {};
  const errorField = input.error && input.error.field in FIELD ? input.error.field : FIELD.title;
  const body: Record<string, unknown>[] = [headingBlock('Add a risk')];
  const add = (field: keyof typeof FIELD, element: Record<string, unknown>) => {
    const max = typeof element.maxLength === 'number' ? element.maxLength : undefined;
    const value = values[field]?.slice(0, max);
    body.push({ id: field, ...element, ...(value ? { value } : {}) });
    if (input.error && errorField === field) body.push(errorBlock(input.error.message));
  };
  const choiceSet = (label: string, options: { title: string; value: string }[]) => ({
    type: 'Input.ChoiceSet',
    label,
    style: 'compact',
    isRequired: true,
    errorMessage: `Choose the ${label.toLowerCase()}.`,
    choices: options,
  });
  add(FIELD.title, {
    type: 'Input.Text',
    label: 'Title',
    isRequired: true,
    errorMessage: 'Give the risk a title.',
    maxLength: TITLE_MAX,
  });
  add(FIELD.likelihood, choiceSet('Likelihood', levels(LIKELIHOODS)));
  add(FIELD.impact, choiceSet('Impact', levels(IMPACTS)));
  add(FIELD.owner, choiceSet('Owner', choices(input.people)));
  add(FIELD.mitigation, {
    type: 'Input.Text',
    label: 'Mitigation',
    isMultiline: true,
    maxLength: MITIGATION_MAX,
  });
  add(FIELD.reviewDate, { type: 'Input.Date', label: 'Review date (the owner is reminded at 09:00)' });
  if (input.relationships.length > 1) {
    add(FIELD.relationship, choiceSet('Relationship', choices(input.relationships)));
  }
  const only = input.relationships.length === 1 ? (input.relationships[0]?.value ?? '') : '';
  return adaptiveCard({
    fallbackText: 'Add a risk',
    body,
    actions: [executeAction({ title: 'Add', verb: ADD_RISK_VERB, value: only, style: 'positive' })],
  });
}

/** The submitted form: the action data with the inputs merged in. */
export const readAddRiskCard = (data: Record<string, unknown>) => readFormValues(data, Object.values(FIELD));
