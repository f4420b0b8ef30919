import type { Attachment } from 'botbuilder';
import { ISSUE_DESCRIPTION_MAX, ISSUE_TITLE_MAX, type IssueFields } from '../../workflows/issues/index';
import {
  adaptiveCard,
  errorBlock,
  executeAction,
  formText,
  headingBlock,
  readFormValues,
} from './teams-card-kit';

export const ADD_ISSUE_VERB = 'issue.add.save';
export const EDIT_ISSUE_VERB = 'issue.edit.save';
/** Input ids equal the workflow's field names; Teams merges each input into the action data by id. */
export const FIELD = {
  title: 'title',
  description: 'description',
  owner: 'owner',
  due: 'due',
  priority: 'priority',
  relationship: 'relationship',
} as const;

type Option = { value: string; label: string };
export type IssueFormValues = Partial<Record<keyof typeof FIELD, string>>;

const PRIORITIES = ['low', 'medium', 'high'];
// Teams shows at most this many choices comfortably; governance files stay far below it.
const CHOICES_MAX = 100;

const choices = (options: Option[]) =>
  options.slice(0, CHOICES_MAX).map(({ value, label }) => ({ title: label, value }));

/**
 * The issue form as an Adaptive Card 1.5: `issue add` proposes, an approver's Edit corrects the
 * proposal. Inputs and choices show plain text, so typed values go back as they were; only
 * TextBlocks pass through the markdown escaper. The action data carries the issue id when editing,
 * else the relationship when only one was offered, as Slack's private_metadata does. Owner choices
 * carry `<relationship>/<person>`, since person ids are unique only per relationship.
 */
export function issueFormCard(input: {
  verb: typeof ADD_ISSUE_VERB | typeof EDIT_ISSUE_VERB;
  value: string;
  heading: string;
  values?: IssueFormValues;
  people: Option[];
  relationships?: Option[];
  error?: { field: string; message: string };
}): Attachment {
  const values = input.values ?? {};
  const errorField = input.error && input.error.field in FIELD ? input.error.field : FIELD.title;
  const body: Record<string, unknown>[] = [headingBlock(input.heading)];
  const add = (field: keyof typeof FIELD, element: Record<string, unknown>) => {
    const max = typeof element.maxLength === 'number' ? element.maxLength : undefined;
    const value = values[field]?.slice(0, max);
    body.push({ id: field, ...element, ...(value ? { value } : {}) });
    if (input.error && errorField === field) body.push(errorBlock(input.error.message));
  };
  add(FIELD.title, {
    type: 'Input.Text',
    label: 'Title',
    isRequired: true,
    errorMessage: 'Give the issue a title.',
    maxLength: ISSUE_TITLE_MAX,
  });
  add(FIELD.description, {
    type: 'Input.Text',
    label: 'Description',
    isMultiline: true,
    maxLength: ISSUE_DESCRIPTION_MAX,
  });
  add(FIELD.owner, {
    type: 'Input.ChoiceSet',
    label: 'Owner',
    style: 'compact',
    placeholder: 'Nobody yet',
    choices: choices(input.people),
  });
  add(FIELD.due, { type: 'Input.Date', label: 'Due date' });
  add(FIELD.priority, {
    type: 'Input.ChoiceSet',
    label: 'Priority',
    style: 'compact',
    isRequired: true,
    errorMessage: 'Choose the priority.',
    choices: PRIORITIES.map((value) => ({ title: value, value })),
    ...(values.priority && PRIORITIES.includes(values.priority) ? {} : { value: 'medium' }),
  });
  const relationships = input.relationships ?? [];
  if (relationships.length > 1) {
    add(FIELD.relationship, {
      type: 'Input.ChoiceSet',
      label: 'Relationship',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose the relationship.',
      choices: choices(relationships),
    });
  }
  return adaptiveCard({
    fallbackText: input.heading,
    body,
    actions: [executeAction({ title: 'Save', verb: input.verb, value: input.value, style: 'positive' })],
  });
}

/** The submitted form: the action data with the inputs merged in, and the fields as the workflow reads them. */
export function readIssueForm(data: Record<string, unknown>) {
  const { values } = readFormValues(data, Object.values(FIELD));
  const [ownerRelationship, ...ownerId] = (values.owner ?? '').split('/');
  const fields: IssueFields = {
    title: values.title ?? '',
    description: values.description,
    ...(values.owner ? { owner: ownerId.join('/') } : {}),
    due: values.due,
    priority: values.priority as IssueFields['priority'],
  };
  return {
    values,
    fields,
    ownerRelationship: values.owner ? ownerRelationship : undefined,
    value: formText(data, 'value'),
  };
}
