import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { roles } from '../../db/schema/directory';
import { issueLists } from '../../db/schema/issue-lists';
import { issues } from '../../db/schema/issues';
import { outbox, type Recipient } from '../../db/schema/jobs';
import { topicMessages } from '../../db/schema/topic-messages';
import { directMessageTo, nameOf, type RelationshipDirectory } from '../core/directory';
import type { Notice } from '../core/notice';
import type { Work } from '../core/unit-of-work';
import { localTimeToInstant } from '../reviews/occurrences';
import { IssueError } from './issue-errors';

export type Issue = typeof issues.$inferSelect;

export const ISSUE_ACTIONS = {
  approve: 'issue.approve',
  reject: 'issue.reject',
  edit: 'issue.edit',
} as const;
export const PUBLISH_TIMER = 'issue-list.publish';
export const DUE_TIMER = 'issue.due';

export const reference = (id: number) => `ISS-${id}`;
export const topic = (id: number) => `issue:${id}`;

export async function lockIssue(tx: Executor, id: number): Promise<Issue | undefined> {
  const [row] = await tx.select().from(issues).where(eq(issues.id, id)).for('update');
  return row;
}

/** People with a role on the relationship's issue list: `approver` or `stakeholder`. */
export async function issueListRole(db: Executor, relationshipId: string, role: 'approver' | 'stakeholder') {
  const rows = await db
    .select({ personId: roles.personId })
    .from(roles)
    .where(
      and(
        eq(roles.relationshipId, relationshipId),
        eq(roles.role, role),
        eq(roles.scope, 'issue_list'),
        isNull(roles.retiredAt),
      ),
    );
  return rows.map((row) => row.personId).sort();
}

export { personOf as personIn } from '../core/directory';

/** An owner typed as an id, a name, or a Slack mention; undefined when nobody matches. */
export function resolvePerson(directory: RelationshipDirectory, typed: string): string | undefined {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(typed)?.[1];
  const wanted = typed.replace(/^@/, '').toLowerCase();
  for (const person of directory.people.values()) {
    if (
      mention
        ? person.slackUserId === mention
        : person.id.toLowerCase() === wanted || person.name.toLowerCase() === wanted
    ) {
      return person.id;
    }
  }
  return undefined;
}

export { nameOf };

function fields(issue: Issue, directory: RelationshipDirectory) {
  return [
    { label: 'Status', value: issue.status },
    { label: 'Priority', value: issue.priority },
    { label: 'Owner', value: nameOf(directory, issue.owner) },
    { label: 'Due', value: issue.dueDate ?? 'no date' },
    { label: 'Proposed by', value: nameOf(directory, issue.proposedBy) },
    { label: 'Relationship', value: directory.relationship.name },
  ];
}

/** The approver's request, with Approve / Reject / Edit and an optional note. */
export function approvalRequest(issue: Issue, directory: RelationshipDirectory): Notice {
  const value = String(issue.id);
  return {
    title: `${reference(issue.id)}: ${issue.title}`,
    text: issue.description || undefined,
    fields: fields(issue, directory),
    input: { id: 'note', label: 'Note (optional)', placeholder: 'Why you approve or reject' },
    actions: [
      { id: ISSUE_ACTIONS.approve, label: 'Approve', value, style: 'primary' },
      { id: ISSUE_ACTIONS.reject, label: 'Reject', value, style: 'danger' },
      { id: ISSUE_ACTIONS.edit, label: 'Edit', value },
    ],
    fallback: `${reference(issue.id)} is proposed for the issue list: ${issue.title}`,
  };
}

export function issueSummary(issue: Issue, directory: RelationshipDirectory, context?: string): Notice {
  return {
    title: `${reference(issue.id)}: ${issue.title}`,
    text: issue.description || undefined,
    fields: fields(issue, directory),
    context,
    fallback: `${reference(issue.id)}: ${issue.status}`,
  };
}

export async function audit(
  work: Work,
  issue: Issue,
  actor: string,
  kind: string,
  at: Date,
  data: Record<string, unknown> = {},
) {
  await work.tx.insert(auditEvents).values({
    at,
    relationshipId: issue.relationshipId,
    actor,
    kind: `issue.${kind}`,
    subject: topic(issue.id),
    data,
  });
}

export async function tell(
  work: Work,
  issue: Issue,
  directory: RelationshipDirectory,
  personId: string | null,
  headline: string,
) {
  const person = personId ? directory.people.get(personId) : undefined;
  const recipient = person && directMessageTo(person);
  if (!recipient) return;
  await work.queueNotice(
    recipient,
    { ...issueSummary(issue, directory, headline), fallback: headline },
    {
      relationshipId: issue.relationshipId,
      topic: topic(issue.id),
    },
  );
}

/** Sends each approver the request and remembers the messages, to update them once decided. */
export function requestApproval(
  work: Work,
  issue: Issue,
  directory: RelationshipDirectory,
  approvers: string[],
) {
  const reached: string[] = [];
  for (const personId of approvers) {
    const person = directory.people.get(personId);
    const recipient = person && directMessageTo(person);
    if (!recipient) continue;
    work.queueNoticeAtEnd(recipient, approvalRequest(issue, directory), {
      relationshipId: issue.relationshipId,
      topic: topic(issue.id),
      urgent: true,
      remember: { into: topicMessages, row: { topic: topic(issue.id), purpose: 'approver', personId } },
    });
    reached.push(personId);
  }
  return reached;
}

/** Updates every approver's request to what the issue is now (buttons only while it is proposed). */
export async function refreshRequests(
  work: Work,
  issue: Issue,
  directory: RelationshipDirectory,
  context?: string,
) {
  const messages = await work.tx
    .select()
    .from(topicMessages)
    .where(eq(topicMessages.topic, topic(issue.id)));
  for (const message of messages) {
    const [row] = await work.tx
      .select({ recipient: outbox.recipient })
      .from(outbox)
      .where(eq(outbox.id, message.outboxId));
    if (!row) continue;
    const notice =
      issue.status === 'proposed'
        ? approvalRequest(issue, directory)
        : issueSummary(issue, directory, context);
    await work.queueNotice(row.recipient as Recipient, notice, {
      relationshipId: issue.relationshipId,
      topic: topic(issue.id),
      updateOf: message.outboxId,
    });
  }
}

/**
 * Debounced publication: every change moves the one publish timer of the relationship to
 * `debounce` after now, so a burst of changes makes one update to the stakeholders.
 */
export async function schedulePublication(work: Work, relationshipId: string, now: Date) {
  const [list] = await work.tx.select().from(issueLists).where(eq(issueLists.relationshipId, relationshipId));
  const debounceSeconds = list?.debounceSeconds ?? 30;
  await work.scheduleTimer({
    id: `issue-list-publish.${relationshipId}`,
    name: PUBLISH_TIMER,
    dueAt: new Date(now.getTime() + debounceSeconds * 1000),
    relationshipId,
    payload: { relationshipId, reason: 'change' },
  });
}

const REMINDER_TIME = '09:00';
const DAY_MS = 86_400_000;
const dayAfter = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The owner is reminded the day before the due date, on the day and, if still open, the day
 * after, at 09:00 in their time zone. The timers move with the due date and stop on resolution.
 */
export async function syncDueReminders(
  work: Work,
  issue: Issue,
  directory: RelationshipDirectory,
  now: Date,
) {
  const prefix = `issue-due.${issue.id}.`;
  const keep: string[] = [];
  if (issue.status === 'open' && issue.owner && issue.dueDate) {
    const zone = directory.people.get(issue.owner)?.timezone ?? directory.relationship.timezone;
    const moments: [string, number][] = [
      ['before', -1],
      ['day', 0],
      ['overdue', 1],
    ];
    for (const [kind, offset] of moments) {
      const dueAt = localTimeToInstant(dayAfter(issue.dueDate, offset), REMINDER_TIME, zone);
      if (dueAt.getTime() <= now.getTime()) continue;
      const id = `${prefix}${kind}.${issue.dueDate}`;
      keep.push(id);
      await work.scheduleTimer({
        id,
        name: DUE_TIMER,
        dueAt,
        relationshipId: issue.relationshipId,
        payload: { issueId: issue.id, kind, dueDate: issue.dueDate },
        group: prefix,
      });
    }
  }
  await work.cancelTimersExcept(prefix, keep);
}

export function assertFound<T>(value: T | undefined, id: number): T {
  if (value === undefined)
    throw new IssueError('unknown_issue', `There is no issue ${reference(id)} in your relationships.`);
  return value;
}
