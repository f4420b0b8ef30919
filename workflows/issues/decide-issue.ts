import { eq } from 'drizzle-orm';
import { issues } from '../../db/schema/issues';
import type { Clock } from '../core/clock';
import { loadDirectory, type PlatformIdentity } from '../core/directory';
import type { Notice } from '../core/notice';
import type { UnitOfWork } from '../core/unit-of-work';
import {
  assertFound,
  audit,
  issueListRole,
  issueSummary,
  lockIssue,
  nameOf,
  personIn,
  reference,
  refreshRequests,
  resolvePerson,
  schedulePublication,
  syncDueReminders,
  tell,
} from './issue-engine';
import { IssueError } from './issue-errors';
import type { IssueFields } from './issue-input';
import { checkIssueFields } from './propose-issue';

type Deps = { unitOfWork: UnitOfWork; clock: Clock };

export type IssueDecision = { message: string; current?: Notice };

/**
 * Approve or Reject from an approver's request. Only the issue list's approvers decide, once; a
 * stale or foreign click changes nothing and is answered privately.
 */
export async function decideIssue(
  deps: Deps,
  input: { actor: PlatformIdentity; issueId: number; decision: 'approve' | 'reject'; note?: string },
): Promise<IssueDecision> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const issue = assertFound(await lockIssue(work.tx, input.issueId), input.issueId);
    const directory = assertFound(await loadDirectory(work.tx, issue.relationshipId), input.issueId);
    const actorId = personIn(directory, input.actor);
    const approvers = await issueListRole(work.tx, issue.relationshipId, 'approver');
    const ref = reference(issue.id);
    if (!actorId || !approvers.includes(actorId)) {
      return {
        message: `Only the issue list's approvers (${approvers.map((id) => nameOf(directory, id)).join(', ')}) can decide ${ref}.`,
      };
    }
    if (issue.status !== 'proposed') {
      return {
        message: `${ref} is already ${issue.status === 'open' ? 'on the list' : issue.status}; nothing was changed.`,
        current: issueSummary(issue, directory),
      };
    }
    const status = input.decision === 'approve' ? 'open' : 'rejected';
    const [decided] = await work.tx
      .update(issues)
      .set({ status, decidedBy: actorId, decidedAt: now, updatedAt: now })
      .where(eq(issues.id, issue.id))
      .returning();
    if (!decided) throw new Error('issue vanished while being decided');
    const verdict =
      status === 'open'
        ? `approved onto the issue list by ${nameOf(directory, actorId)}`
        : `rejected by ${nameOf(directory, actorId)}`;
    const note = input.note?.trim();
    await refreshRequests(work, decided, directory, `${ref} was ${verdict}${note ? `: ${note}` : ''}.`);
    await audit(
      work,
      decided,
      actorId,
      status === 'open' ? 'approved' : 'rejected',
      now,
      note ? { note } : {},
    );
    if (decided.proposedBy !== actorId)
      await tell(
        work,
        decided,
        directory,
        decided.proposedBy,
        `${ref} was ${verdict}${note ? `: ${note}` : ''}.`,
      );
    if (status === 'open') {
      await schedulePublication(work, decided.relationshipId, now);
      await syncDueReminders(work, decided, directory, now);
    }
    return {
      message: `You ${status === 'open' ? 'approved' : 'rejected'} ${ref}.`,
      current: issueSummary(decided, directory, `${ref} was ${verdict}.`),
    };
  });
}

/** Edit before deciding: an approver corrects the proposal; the requests show the new text. */
export async function editProposedIssue(
  deps: Deps,
  input: { actor: PlatformIdentity; issueId: number; fields: IssueFields },
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const issue = assertFound(await lockIssue(work.tx, input.issueId), input.issueId);
    const directory = assertFound(await loadDirectory(work.tx, issue.relationshipId), input.issueId);
    const actorId = personIn(directory, input.actor);
    const approvers = await issueListRole(work.tx, issue.relationshipId, 'approver');
    if (!actorId || !approvers.includes(actorId))
      throw new IssueError('not_allowed', `Only the issue list's approvers can edit ${reference(issue.id)}.`);
    if (issue.status !== 'proposed')
      throw new IssueError('not_proposed', `${reference(issue.id)} is already ${issue.status}.`);
    const fields = checkIssueFields(input.fields, now.toISOString().slice(0, 10));
    const owner = fields.owner ? resolvePerson(directory, fields.owner) : undefined;
    if (fields.owner && !owner)
      throw new IssueError(
        'unknown_person',
        `"${fields.owner}" is not a person of ${directory.relationship.name}.`,
        'owner',
      );
    const [edited] = await work.tx
      .update(issues)
      .set({
        title: fields.title,
        description: fields.description,
        priority: fields.priority,
        owner: owner ?? null,
        dueDate: fields.due ?? null,
        updatedAt: now,
      })
      .where(eq(issues.id, issue.id))
      .returning();
    if (!edited) throw new Error('issue vanished while being edited');
    await refreshRequests(work, edited, directory);
    await audit(work, edited, actorId, 'edited', now, { title: edited.title });
    return `${reference(edited.id)} is updated; it still waits for approval.`;
  });
}
