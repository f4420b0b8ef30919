import { eq } from 'drizzle-orm';
import { issues } from '../../db/schema/issues';
import type { Clock } from '../core/clock';
import {
  findMemberships,
  loadDirectory,
  type PlatformIdentity,
  type RelationshipDirectory,
} from '../core/directory';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import {
  audit,
  type Issue,
  issueListRole,
  lockIssue,
  nameOf,
  reference,
  refreshRequests,
  resolvePerson,
  schedulePublication,
  syncDueReminders,
  tell,
} from './issue-engine';
import { IssueError } from './issue-errors';
import { dueDate } from './issue-input';

type Deps = { unitOfWork: UnitOfWork; clock: Clock };
type Change = (
  work: Work,
  issue: Issue,
  directory: RelationshipDirectory,
  actorId: string,
  now: Date,
) => Promise<string>;

/**
 * Runs a change on an issue of the actor's relationships, by someone allowed to make it: its owner,
 * who proposed it, an issue list approver, or the escalation executive. The stakeholders get the
 * list again (debounced), and the owner's due-date reminders follow.
 */
async function changeIssue(
  deps: Deps,
  actor: PlatformIdentity,
  issueId: number,
  change: Change,
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const issue = await lockIssue(work.tx, issueId);
    const membership = (await findMemberships(work.tx, actor)).find(
      (m) => m.relationshipId === issue?.relationshipId,
    );
    const directory = membership && (await loadDirectory(work.tx, membership.relationshipId));
    if (!issue || !membership || !directory) {
      throw new IssueError('unknown_issue', `There is no issue ${reference(issueId)} in your relationships.`);
    }
    const approvers = await issueListRole(work.tx, issue.relationshipId, 'approver');
    const allowed = [issue.owner, issue.proposedBy, directory.executive, ...approvers];
    if (!allowed.includes(membership.personId)) {
      throw new IssueError(
        'not_allowed',
        `Only the owner, who proposed it, the issue list's approvers or the escalation executive can change ${reference(issue.id)}.`,
      );
    }
    if (issue.status !== 'open') {
      throw new IssueError(
        'not_open',
        `${reference(issue.id)} is ${issue.status === 'proposed' ? 'not approved yet' : issue.status}.`,
      );
    }
    const message = await change(work, issue, directory, membership.personId, now);
    const [changed] = await work.tx.select().from(issues).where(eq(issues.id, issue.id));
    if (changed) {
      await syncDueReminders(work, changed, directory, now);
      await refreshRequests(work, changed, directory);
    }
    await schedulePublication(work, issue.relationshipId, now);
    return message;
  });
}

export function resolveIssue(deps: Deps, input: { actor: PlatformIdentity; issueId: number; note: string }) {
  return changeIssue(deps, input.actor, input.issueId, async (work, issue, directory, actorId, now) => {
    const note = input.note.trim().slice(0, 3000);
    const [resolved] = await work.tx
      .update(issues)
      .set({
        status: 'resolved',
        resolvedBy: actorId,
        resolvedAt: now,
        resolutionNote: note || null,
        updatedAt: now,
      })
      .where(eq(issues.id, issue.id))
      .returning();
    if (!resolved) throw new Error('issue vanished while being resolved');
    await audit(work, resolved, actorId, 'resolved', now, { note });
    for (const personId of new Set([resolved.owner, resolved.proposedBy])) {
      if (personId && personId !== actorId) {
        await tell(
          work,
          resolved,
          directory,
          personId,
          `${reference(resolved.id)} was resolved by ${nameOf(directory, actorId)}${note ? `: ${note}` : '.'}`,
        );
      }
    }
    return `${reference(resolved.id)} is resolved.`;
  });
}

export function assignIssue(deps: Deps, input: { actor: PlatformIdentity; issueId: number; owner: string }) {
  return changeIssue(deps, input.actor, input.issueId, async (work, issue, directory, actorId, now) => {
    const owner = resolvePerson(directory, input.owner.trim());
    if (!owner)
      throw new IssueError(
        'unknown_person',
        `"${input.owner}" is not a person of ${directory.relationship.name}.`,
        'owner',
      );
    const [assigned] = await work.tx
      .update(issues)
      .set({ owner, updatedAt: now })
      .where(eq(issues.id, issue.id))
      .returning();
    if (!assigned) throw new Error('issue vanished while being assigned');
    await audit(work, assigned, actorId, 'assigned', now, { from: issue.owner, to: owner });
    if (owner !== actorId)
      await tell(
        work,
        assigned,
        directory,
        owner,
        `${nameOf(directory, actorId)} made you the owner of ${reference(assigned.id)}.`,
      );
    return `${reference(assigned.id)} is now owned by ${nameOf(directory, owner)}.`;
  });
}

export function setIssueDue(deps: Deps, input: { actor: PlatformIdentity; issueId: number; due: string }) {
  return changeIssue(deps, input.actor, input.issueId, async (work, issue, _directory, actorId, now) => {
    const parsed = dueDate.safeParse(input.due);
    if (!parsed.success)
      throw new IssueError('invalid_input', parsed.error.issues[0]?.message ?? 'Not a date.', 'due');
    if (parsed.data < now.toISOString().slice(0, 10))
      throw new IssueError('invalid_input', `The due date ${parsed.data} is in the past.`, 'due');
    const [moved] = await work.tx
      .update(issues)
      .set({ dueDate: parsed.data, updatedAt: now })
      .where(eq(issues.id, issue.id))
      .returning();
    if (!moved) throw new Error('issue vanished while its due date moved');
    await audit(work, moved, actorId, 'due_changed', now, { from: issue.dueDate, to: parsed.data });
    return `${reference(moved.id)} is now due ${parsed.data}.`;
  });
}
