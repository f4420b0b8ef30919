import { eq } from 'drizzle-orm';
import { issues } from '../../db/schema/issues';
import { chooseRelationship, findMemberships, loadDirectory } from '../../workflows/core/directory';
import {
  assignIssue,
  decideIssue,
  editProposedIssue,
  ISSUE_ACTIONS,
  IssueError,
  issueReference,
  listIssues,
  proposeIssue,
  resolveIssue,
  setIssueDue,
  showPublication,
} from '../../workflows/issues/index';
import { type CommandDeps, explain } from '../commands/command-deps';
import { issueHelp, parseIssueCommand } from '../commands/issue-command';
import {
  type Answer,
  answerForm,
  confirmationCard,
  decisionAnswer,
  type FormProblem,
  NOT_IN_DIRECTORY,
  NOT_OURS,
  type TeamsActor,
} from './teams-answers';
import {
  ADD_ISSUE_VERB,
  EDIT_ISSUE_VERB,
  type IssueFormValues,
  issueFormCard,
  readIssueForm,
} from './teams-issue-cards';

const GONE = 'That issue no longer exists.';

const ISSUE_VERBS: string[] = [...Object.values(ISSUE_ACTIONS), ADD_ISSUE_VERB, EDIT_ISSUE_VERB];

/** Whether a card action belongs to the issue list. */
export const isIssueVerb = (verb: string) => ISSUE_VERBS.includes(verb);

export const issueUsage = () => issueHelp('issue');

/** `issue ...` typed in a chat or channel: the same answers as `/issue` in Slack. */
export async function answerIssueCommand(
  deps: CommandDeps,
  actor: TeamsActor,
  text: string,
): Promise<Answer> {
  const { identity } = actor;
  const parsed = parseIssueCommand(text);
  try {
    if (parsed.kind === 'help') return { message: issueUsage() };
    if (parsed.kind === 'invalid') return { message: `${parsed.message}\n\n${issueUsage()}` };
    if ((await findMemberships(deps.db, identity)).length === 0) return { message: NOT_IN_DIRECTORY };
    switch (parsed.kind) {
      case 'list':
        return { message: await listIssues(deps.db, deps.clock, identity) };
      case 'publication':
        return { message: await showPublication(deps.db, identity, parsed.number) };
      case 'resolve':
        return {
          message: await resolveIssue(deps, { actor: identity, issueId: parsed.issueId, note: parsed.note }),
        };
      case 'assign':
        return {
          message: await assignIssue(deps, { actor: identity, issueId: parsed.issueId, owner: parsed.owner }),
        };
      case 'due':
        return {
          message: await setIssueDue(deps, { actor: identity, issueId: parsed.issueId, due: parsed.date }),
        };
      case 'add':
      case 'form': {
        const choice = await chooseRelationship(deps.db, identity, actor.channel);
        if (choice.kind === 'none') return { message: NOT_IN_DIRECTORY };
        if (parsed.kind === 'add' && choice.kind === 'one') {
          return {
            message: await proposeIssue(deps, {
              relationshipId: choice.relationshipId,
              proposedBy: choice.personId,
              title: parsed.title,
            }),
          };
        }
        return await addFormFor(deps, actor, parsed.kind === 'add' ? { title: parsed.title } : {});
      }
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

/** The people of a relationship as owner choices, named with the relationship when there are several. */
async function ownerChoices(deps: CommandDeps, relationshipIds: string[]) {
  const options: { value: string; label: string }[] = [];
  for (const relationshipId of relationshipIds) {
    const directory = await loadDirectory(deps.db, relationshipId);
    for (const person of directory?.people.values() ?? []) {
      options.push({
        value: `${relationshipId}/${person.id}`,
        label: relationshipIds.length > 1 ? `${person.name} (${directory?.relationship.name})` : person.name,
      });
    }
  }
  return options;
}

/** The propose form offering the person's relationships and their people. */
async function addFormFor(
  deps: CommandDeps,
  actor: TeamsActor,
  values: IssueFormValues,
  error?: FormProblem,
): Promise<Answer> {
  const choice = await chooseRelationship(deps.db, actor.identity, actor.channel);
  if (choice.kind === 'none') return { message: NOT_IN_DIRECTORY };
  const options =
    choice.kind === 'one'
      ? [{ relationshipId: choice.relationshipId, name: choice.relationshipId }]
      : choice.options;
  const ids = options.map((option) => option.relationshipId);
  return {
    card: issueFormCard({
      verb: ADD_ISSUE_VERB,
      value: ids.length === 1 ? (ids[0] ?? '') : '',
      heading: 'Propose an issue',
      values,
      error,
      people: await ownerChoices(deps, ids),
      relationships: options.map((option) => ({ value: option.relationshipId, label: option.name })),
    }),
  };
}

/** The approver's edit form for a proposed issue, prefilled with it unless values are given. */
async function editFormFor(
  deps: CommandDeps,
  issueId: number,
  values?: IssueFormValues,
  error?: FormProblem,
): Promise<Answer> {
  const [issue] = await deps.db.select().from(issues).where(eq(issues.id, issueId));
  if (!issue) return { message: GONE };
  return {
    card: issueFormCard({
      verb: EDIT_ISSUE_VERB,
      value: String(issue.id),
      heading: `Edit ${issueReference(issue.id)}`,
      values: values ?? {
        title: issue.title,
        description: issue.description || undefined,
        owner: issue.owner ? `${issue.relationshipId}/${issue.owner}` : undefined,
        due: issue.dueDate ?? undefined,
        priority: issue.priority,
      },
      error,
      people: await ownerChoices(deps, [issue.relationshipId]),
    }),
  };
}

/**
 * A click on an approver's request (Approve, Reject, Edit, with the typed note merged in) or on an
 * issue form's Save. A decision answers with the request as it looks now, when it changed; a form
 * answers with the card it should show now.
 */
export async function answerIssueAction(
  deps: CommandDeps,
  actor: TeamsActor,
  verb: string,
  data: Record<string, unknown>,
): Promise<Answer> {
  try {
    if (verb === ADD_ISSUE_VERB) return await proposeFromForm(deps, actor, data);
    const value = typeof data.value === 'string' ? data.value : '';
    if (!/^\d{1,9}$/.test(value)) return { message: NOT_OURS };
    const issueId = Number(value);
    switch (verb) {
      case ISSUE_ACTIONS.approve:
      case ISSUE_ACTIONS.reject: {
        const result = await decideIssue(deps, {
          actor: actor.identity,
          issueId,
          decision: verb === ISSUE_ACTIONS.approve ? 'approve' : 'reject',
          note: typeof data.note === 'string' ? data.note : undefined,
        });
        return decisionAnswer(result);
      }
      case ISSUE_ACTIONS.edit:
        return await editFormFor(deps, issueId);
      case EDIT_ISSUE_VERB:
        return await editFromForm(deps, actor, issueId, data);
      default:
        return { message: NOT_OURS };
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

async function proposeFromForm(
  deps: CommandDeps,
  actor: TeamsActor,
  data: Record<string, unknown>,
): Promise<Answer> {
  const form = readIssueForm(data);
  const relationshipId = form.values.relationship ?? form.value;
  const reopen = (problem: FormProblem) => addFormFor(deps, actor, form.values, problem);
  return answerForm(deps, actor, { relationshipId, reopen, problemOf: formError }, async (membership) => {
    if (form.ownerRelationship && form.ownerRelationship !== membership.relationshipId) {
      return {
        problem: { field: 'owner', message: 'Choose an owner from the relationship the issue belongs to.' },
      };
    }
    const message = await proposeIssue(deps, {
      ...form.fields,
      relationshipId: membership.relationshipId,
      proposedBy: membership.personId,
    });
    return { card: confirmationCard('Issue proposed', message) };
  });
}

async function editFromForm(
  deps: CommandDeps,
  actor: TeamsActor,
  issueId: number,
  data: Record<string, unknown>,
): Promise<Answer> {
  const form = readIssueForm(data);
  try {
    const message = await editProposedIssue(deps, { actor: actor.identity, issueId, fields: form.fields });
    return { card: confirmationCard(`${issueReference(issueId)} updated`, message) };
  } catch (error) {
    const problem = formError(error);
    if (!problem) throw error;
    return editFormFor(deps, issueId, form.values, problem);
  }
}

const formError = (error: unknown): FormProblem | undefined =>
  error instanceof IssueError ? { field: error.field ?? 'title', message: error.message } : undefined;
