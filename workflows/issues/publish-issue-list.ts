import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { issueLists } from '../../db/schema/issue-lists';
import { issueListPublications, issues, type PublishedIssue } from '../../db/schema/issues';
import type { Clock } from '../core/clock';
import { directMessageTo, loadDirectory, type RelationshipDirectory } from '../core/directory';
import type { Notice } from '../core/notice';
import type { TimerHandler } from '../core/timers';
import type { Work } from '../core/unit-of-work';
import { nextOccurrence } from '../reviews/occurrences';
import { issueListRole, lockIssue, nameOf, reference } from './issue-engine';

export const DIGEST_TIMER = 'issue-list.digest';

type Publication = typeof issueListPublications.$inferSelect;

const publish = (issue: typeof issues.$inferSelect): PublishedIssue => ({
  id: issue.id,
  title: issue.title,
  status: issue.status,
  priority: issue.priority,
  owner: issue.owner,
  dueDate: issue.dueDate,
});

const differs = (a: PublishedIssue, b: PublishedIssue) =>
  a.title !== b.title || a.owner !== b.owner || a.dueDate !== b.dueDate || a.priority !== b.priority;

/** How a publication reads: what is new, changed and closed since the last one, then the list. */
export function publicationNotice(
  publication: Publication,
  directory: RelationshipDirectory,
  today: string,
): Notice {
  const byId = new Map(publication.items.map((item) => [item.id, item]));
  const line = (item: PublishedIssue) => {
    const owner = item.owner ? nameOf(directory, item.owner) : 'no owner';
    const due = item.dueDate
      ? `due ${item.dueDate}${item.status === 'open' && item.dueDate < today ? ' (OVERDUE)' : ''}`
      : 'no due date';
    return `• ${reference(item.id)} ${item.title} (${item.priority}, ${owner}, ${due})`;
  };
  const section = (heading: string, ids: number[]) => {
    const items = ids.map((id) => byId.get(id)).filter((item): item is PublishedIssue => Boolean(item));
    return items.length ? `${heading}:\n${items.map(line).join('\n')}` : '';
  };
  const open = publication.items.filter((item) => item.status === 'open');
  const text = [
    section('New', publication.changes.added),
    section('Changed', publication.changes.changed),
    section('Closed', publication.changes.closed),
    `Open issues (${open.length}):\n${open.length ? open.map(line).join('\n') : '• none'}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    title: `Issue list v${publication.number}: ${directory.relationship.name}`,
    text,
    fields: [
      { label: 'Published', value: publication.reason === 'digest' ? 'regular digest' : 'after changes' },
    ],
    fallback: `Issue list v${publication.number}: ${open.length} open, ${publication.changes.added.length} new, ${publication.changes.closed.length} closed`,
  };
}

/**
 * Publishes the issue list to its stakeholders as the next numbered, immutable snapshot. After
 * changes nothing is sent when nothing changed since the last publication; a digest always goes.
 */
export async function publishIssueList(
  work: Work,
  now: Date,
  relationshipId: string,
  reason: 'change' | 'digest',
) {
  // One publication at a time per relationship: the numbers must not collide.
  await work.tx.select().from(issueLists).where(eq(issueLists.relationshipId, relationshipId)).for('update');
  const directory = await loadDirectory(work.tx, relationshipId);
  if (!directory) return undefined;
  const [previous] = await work.tx
    .select()
    .from(issueListPublications)
    .where(eq(issueListPublications.relationshipId, relationshipId))
    .orderBy(desc(issueListPublications.number))
    .limit(1);
  const open = (
    await work.tx
      .select()
      .from(issues)
      .where(and(eq(issues.relationshipId, relationshipId), eq(issues.status, 'open')))
      .orderBy(asc(issues.dueDate), asc(issues.id))
  ).map(publish);
  const before = new Map(
    (previous?.items ?? []).filter((item) => item.status === 'open').map((item) => [item.id, item]),
  );
  const openIds = new Set(open.map((item) => item.id));
  const closedIds = [...before.keys()].filter((id) => !openIds.has(id));
  const closed = closedIds.length
    ? (await work.tx.select().from(issues).where(inArray(issues.id, closedIds))).map(publish)
    : [];
  const changes = {
    added: open.filter((item) => !before.has(item.id)).map((item) => item.id),
    changed: open
      .filter((item) => before.has(item.id) && differs(item, before.get(item.id) as PublishedIssue))
      .map((item) => item.id),
    closed: closed.map((item) => item.id),
  };
  if (reason === 'change' && !changes.added.length && !changes.changed.length && !changes.closed.length)
    return undefined;
  const [publication] = await work.tx
    .insert(issueListPublications)
    .values({
      relationshipId,
      number: (previous?.number ?? 0) + 1,
      reason,
      publishedAt: now,
      items: [...open, ...closed],
      changes,
    })
    .returning();
  if (!publication) throw new Error('publication insert returned no row');
  const notice = publicationNotice(publication, directory, now.toISOString().slice(0, 10));
  for (const personId of await issueListRole(work.tx, relationshipId, 'stakeholder')) {
    const person = directory.people.get(personId);
    const recipient = person && directMessageTo(person);
    if (recipient)
      await work.queueNotice(recipient, notice, { relationshipId, topic: `issue-list:${relationshipId}` });
  }
  return publication;
}

/** Keeps the next digest of each issue list with a `publish` cadence scheduled. */
export async function syncDigests(work: Work, now: Date) {
  const lists = await work.tx.select().from(issueLists);
  for (const list of lists) {
    const prefix = `issue-list-digest.${list.relationshipId}.`;
    const directory = list.retiredAt ? undefined : await loadDirectory(work.tx, list.relationshipId);
    const next =
      directory && list.publishRrule && list.publishAt
        ? nextOccurrence(
            {
              kind: 'recurring',
              rrule: list.publishRrule,
              localTime: list.publishAt,
              timeZone: directory.relationship.timezone,
              since: list.createdAt,
            },
            now,
          )
        : undefined;
    const keep = next ? [`${prefix}${next.getTime()}`] : [];
    if (next) {
      await work.scheduleTimer({
        id: `${prefix}${next.getTime()}`,
        name: DIGEST_TIMER,
        dueAt: next,
        relationshipId: list.relationshipId,
        payload: { relationshipId: list.relationshipId },
        group: prefix,
      });
    }
    await work.cancelTimersExcept(prefix, keep);
  }
}

export function onPublish(clock: Clock): TimerHandler {
  return async (timer, work) => {
    await publishIssueList(
      work,
      clock.now(),
      (timer.payload as { relationshipId: string }).relationshipId,
      'change',
    );
  };
}

export function onDigest(clock: Clock): TimerHandler {
  return async (timer, work) => {
    const now = clock.now();
    await publishIssueList(work, now, (timer.payload as { relationshipId: string }).relationshipId, 'digest');
    await syncDigests(work, new Date(Math.max(now.getTime(), timer.dueAt.getTime() + 1)));
  };
}

/** The owner's reminder about a due date, if the issue is still open and still due then. */
export function onDueReminder(): TimerHandler {
  return async (timer, work) => {
    const { issueId, kind, dueDate } = timer.payload as {
      issueId: number;
      kind: 'before' | 'day' | 'overdue';
      dueDate: string;
    };
    const issue = await lockIssue(work.tx, issueId);
    if (issue?.status !== 'open' || issue.dueDate !== dueDate || !issue.owner) return;
    const directory = await loadDirectory(work.tx, issue.relationshipId);
    const person = directory?.people.get(issue.owner);
    const recipient = person && directMessageTo(person);
    if (!directory || !recipient) return;
    const when =
      kind === 'before' ? 'is due tomorrow' : kind === 'day' ? 'is due today' : `is overdue since ${dueDate}`;
    const headline = `${reference(issue.id)} ${issue.title} ${when}.`;
    await work.queueNotice(
      recipient,
      {
        title: headline,
        text: `Resolve it with /issue resolve ${reference(issue.id)} <note>, or move it with /issue due ${reference(issue.id)} <date>.`,
        fallback: headline,
      },
      { relationshipId: issue.relationshipId, topic: `issue:${issue.id}` },
    );
  };
}

export async function latestPublication(db: Executor, relationshipId: string, number?: number) {
  const [row] = await db
    .select()
    .from(issueListPublications)
    .where(
      number === undefined
        ? eq(issueListPublications.relationshipId, relationshipId)
        : and(
            eq(issueListPublications.relationshipId, relationshipId),
            eq(issueListPublications.number, number),
          ),
    )
    .orderBy(desc(issueListPublications.number))
    .limit(1);
  return row;
}
