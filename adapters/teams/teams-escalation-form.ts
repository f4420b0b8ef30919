import type { Attachment } from 'botbuilder';
import { DESCRIPTION_MAX, TITLE_MAX } from '../../workflows/escalations/index';
import { adaptiveCard, errorBlock, executeAction, headingBlock, readFormValues } from './teams-card-kit';

export const RAISE_VERB = 'escalation.raise';
/** Input ids; Teams merges each input's value into the action data under its id. */
export const FIELD = {
  title: 'title',
  description: 'description',
  severity: 'severity',
  goal: 'goal',
  relationship: 'relationship',
} as const;

type Option = { value: string; label: string };

export type RaiseFormValues = {
  title?: string;
  description?: string;
  severity?: string;
  goal?: string;
  relationship?: string;
};

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
// Teams shows at most this many choices comfortably; governance files stay far below it.
const CHOICES_MAX = 100;

const choices = (options: Option[]) =>
  options.slice(0, CHOICES_MAX).map(({ value, label }) => ({ title: label, value }));

/**
 * The `escalate` form as an Adaptive Card 1.5. Inputs and choices show plain text, never markdown,
 * so they carry values as typed; only TextBlocks go through the markdown escaper. The
 * action data carries the relationship when only one was offered, as Slack's private_metadata does.
 */
export function raiseEscalationCard(input: {
  values?: RaiseFormValues;
  relationships: Option[];
  goals: Option[];
  error?: { field: string; message: string };
}): Attachment {
  const values = input.values ?? {};
  const errorField = input.error && input.error.field in FIELD ? input.error.field : FIELD.title;
  const body: Record<string, unknown>[] = [headingBlock('Raise an escalation')];
  const add = (field: string, element: Record<string, unknown>) => {
    body.push({ id: field, ...element });
    if (input.error && errorField === field) body.push(errorBlock(input.error.message));
  };
  add(FIELD.title, {
    type: 'Input.Text',
    label: 'Title',
    isRequired: true,
    errorMessage: 'Give the escalation a title.',
    maxLength: TITLE_MAX,
    ...(values.title ? { value: values.title.slice(0, TITLE_MAX) } : {}),
  });
  add(FIELD.description, {
    type: 'Input.Text',
    label: 'Description',
    isMultiline: true,
    maxLength: DESCRIPTION_MAX,
    ...(values.description ? { value: values.description.slice(0, DESCRIPTION_MAX) } : {}),
  });
  add(FIELD.severity, {
    type: 'Input.ChoiceSet',
    label: 'Severity',
    style: 'compact',
    isRequired: true,
    value: values.severity && SEVERITIES.includes(values.severity) ? values.severity : 'medium',
    choices: SEVERITIES.map((value) => ({ title: value[0]?.toUpperCase() + value.slice(1), value })),
  });
  if (input.goals.length > 0) {
    add(FIELD.goal, {
      type: 'Input.ChoiceSet',
      label: 'Related goal',
      style: 'compact',
      placeholder: 'None',
      choices: choices(input.goals),
      ...(values.goal ? { value: values.goal } : {}),
    });
  }
  if (input.relationships.length > 1) {
    add(FIELD.relationship, {
      type: 'Input.ChoiceSet',
      label: 'Relationship',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose the relationship.',
      choices: choices(input.relationships),
      ...(values.relationship ? { value: values.relationship } : {}),
    });
  }
  const only = input.relationships.length === 1 ? (input.relationships[0]?.value ?? '') : '';
  return adaptiveCard({
    fallbackText: 'Raise an escalation',
    body,
    actions: [executeAction({ title: 'Raise', verb: RAISE_VERB, value: only, style: 'positive' })],
  });
}

/** The submitted form: the action data with the inputs merged in. */
export function readRaiseForm(data: Record<string, unknown>) {
  const { values, relationshipId } = readFormValues(data, Object.values(FIELD));
  const goal = values.goal;
  return {
    values,
    relationshipId,
    /** Goal choices carry `<relationship>/<goal>`, since goal ids are unique only per relationship. */
    goal: goal
      ? { relationshipId: goal.split('/')[0] ?? '', goalId: goal.split('/').slice(1).join('/') }
      : undefined,
  };
}
