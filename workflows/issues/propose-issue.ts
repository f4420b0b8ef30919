import { issues } from '../../db/schema/issues';
import type { Clock } from '../core/clock';
import { loadDirectory } from '../core/directory';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import {
  audit,
  type Issue,
  issueListRole,
  nameOf,
  reference,
  requestApproval,
  resolvePerson,
} from './issue-engine';
import { IssueError } from './issue-errors';
import { firstProblem, type IssueFields, issueFields } from './issue-input';

export type ProposeInput = IssueFields & {
  relationshipId: string;
  proposedBy: string;
  origin?: 'chat' | 'agenda';
  reviewOccurrenceId?: number;
};

/** Checks the fields of a proposal as a person typed them; throws a refusal naming the field. */
export function checkIssueFields(input: IssueFields, today: string) {
  const parsed = issueFields.safeParse(input);
  if (!parsed.success) {
    const problem = firstProblem(parsed.error);
    throw new IssueError('invalid_input', problem.message, problem.field);
  }
  if (parsed.data.due && parsed.data.due < today) {
    throw new IssueError('invalid_input', `The due date ${parsed.data.due} is in the past.`, 'due');
  }
  return parsed.data;
}

/**
 * Proposes an issue for the relationship's issue list, inside an open unit of work: stored as
 * proposed, and each issue-list approver asked to Approve, Reject or Edit it.
 */
export async function proposeIssueIn(
  work: Work,
  clock: Clock,
  input: ProposeInput,
): Promise<{ issue: Issue; message: string }> {
  const now = clock.now();
  const directory = await loadDirectory(work.tx, input.relationshipId);
  if (!directory?.people.has(input.proposedBy))
    throw new IssueError('not_in_directory', 'You are not part of that relationship.');
  const fields = checkIssueFields(input, now.toISOString().slice(0, 10));
  const owner = fields.owner ? resolvePerson(directory, fields.owner) : undefined;
  if (fields.owner && !owner) {
    throw new IssueError(
      'unknown_person',
      `"${fields.owner}" is not a person of ${directory.relationship.name}.`,
      'owner',
    );
  }
  const approvers = await issueListRole(work.tx, directory.relationship.id, 'approver');
  // An agenda item is still worth keeping without approvers: the meeting itself can take it up.
  if (approvers.length === 0 && input.origin !== 'agenda') {
    throw new IssueError(
      'no_issue_list',
      `${directory.relationship.name} has no issue list approvers yet: ask your administrator to add issue_list.approvers to the governance file.`,
    );
  }
  const [issue] = await work.tx
    .insert(issues)
    .values({
      relationshipId: directory.relationship.id,
      title: fields.title,
      description: fields.description,
      priority: fields.priority,
      owner,
      dueDate: fields.due,
      proposedBy: input.proposedBy,
      origin: input.origin ?? 'chat',
      reviewOccurrenceId: input.reviewOccurrenceId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!issue) throw new Error('issue insert returned no row');
  const reached = requestApproval(work, issue, directory, approvers);
  await audit(work, issue, input.proposedBy, 'proposed', now, {
    title: issue.title,
    origin: issue.origin,
    approvers: reached,
  });
  const names = reached.map((id) => nameOf(directory, id)).join(', ');
  const next = names ? `went to ${names} for approval` : 'waits for the issue list approvers';
  return {
    issue,
    message: `${reference(issue.id)} "${issue.title}" is proposed for the issue list and ${next}.`,
  };
}

export async function proposeIssue(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: ProposeInput,
): Promise<string> {
  return deps.unitOfWork(async (work) => (await proposeIssueIn(work, deps.clock, input)).message);
}
