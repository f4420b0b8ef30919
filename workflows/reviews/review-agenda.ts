import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { escalations } from '../../db/schema/escalations';
import { issues } from '../../db/schema/issues';
import { formatSpan } from '../core/time-format';

export type Agenda = { heading: string; items: string[] }[];

/**
 * The agenda as things stand now, built when a reminder is sent or asked for: open escalations with
 * their level and age, and the approved open issues with owners and due dates.
 */
export async function liveAgenda(db: Executor, relationshipId: string, now: Date): Promise<Agenda> {
  const openEscalations = await db
    .select()
    .from(escalations)
    .where(and(eq(escalations.relationshipId, relationshipId), eq(escalations.status, 'open')))
    .orderBy(asc(escalations.createdAt));
  const openIssues = await db
    .select()
    .from(issues)
    .where(and(eq(issues.relationshipId, relationshipId), eq(issues.status, 'open')))
    .orderBy(asc(issues.dueDate), asc(issues.id));
  return [
    {
      heading: 'Open escalations',
      items: openEscalations.map(
        (e) =>
          `ESC-${e.id} ${e.title} (level ${e.level}, ${e.severity}, open ${formatSpan((now.getTime() - e.createdAt.getTime()) / 1000)})`,
      ),
    },
    {
      heading: 'Open issues',
      items: openIssues.map(
        (issue) =>
          `ISS-${issue.id} ${issue.title}${issue.owner ? `, owner ${issue.owner}` : ''}${issue.dueDate ? `, due ${issue.dueDate}` : ''}`,
      ),
    },
  ];
}

export const agendaText = (agenda: Agenda) =>
  agenda
    .map(
      (section) =>
        `${section.heading}:\n${section.items.length ? section.items.map((item) => `• ${item}`).join('\n') : '• none'}`,
    )
    .join('\n\n');
