import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { issues } from '../../db/schema/issues';
import type { Clock } from '../core/clock';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import { nameOf, reference } from './issue-engine';
import { IssueError } from './issue-errors';
import { latestPublication, publicationNotice } from './publish-issue-list';

const notInDirectory = () =>
  new IssueError('not_in_directory', 'You are not in the governance directory of any relationship.');

/** `/issue list`: the open issues (overdue flagged) and those waiting for approval, per relationship. */
export async function listIssues(db: Executor, clock: Clock, actor: PlatformIdentity): Promise<string> {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) throw notInDirectory();
  const today = clock.now().toISOString().slice(0, 10);
  const blocks: string[] = [];
  for (const { relationshipId } of memberships) {
    const directory = await loadDirectory(db, relationshipId);
    if (!directory) continue;
    const rows = await db
      .select()
      .from(issues)
      .where(and(eq(issues.relationshipId, relationshipId), inArray(issues.status, ['open', 'proposed'])))
      .orderBy(asc(issues.dueDate), asc(issues.id));
    const line = (issue: (typeof rows)[number]) => {
      const overdue = issue.dueDate && issue.dueDate < today ? ' (OVERDUE)' : '';
      return `• ${reference(issue.id)} ${issue.title} (${issue.priority}, ${issue.owner ? nameOf(directory, issue.owner) : 'no owner'}, ${issue.dueDate ? `due ${issue.dueDate}${overdue}` : 'no due date'})`;
    };
    const open = rows.filter((issue) => issue.status === 'open').map(line);
    const proposed = rows.filter((issue) => issue.status === 'proposed').map(line);
    const latest = await latestPublication(db, relationshipId);
    blocks.push(
      [
        `${directory.relationship.name}${latest ? ` (last published as v${latest.number})` : ''}`,
        `Open issues:\n${open.join('\n') || '• none'}`,
        `Waiting for approval:\n${proposed.join('\n') || '• none'}`,
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

/** `/issue list v12`: a publication exactly as it was sent. */
export async function showPublication(
  db: Executor,
  actor: PlatformIdentity,
  number: number,
): Promise<string> {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) throw notInDirectory();
  for (const { relationshipId } of memberships) {
    const publication = await latestPublication(db, relationshipId, number);
    const directory = publication && (await loadDirectory(db, relationshipId));
    if (!publication || !directory) continue;
    const notice = publicationNotice(
      publication,
      directory,
      publication.publishedAt.toISOString().slice(0, 10),
    );
    return `${notice.title} (published ${publication.publishedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)\n\n${notice.text}`;
  }
  throw new IssueError('unknown_publication', `There is no issue list v${number} in your relationships.`);
}
