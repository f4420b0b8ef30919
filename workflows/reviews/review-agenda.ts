import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { relationships } from '../../db/schema/directory';
import { escalations } from '../../db/schema/escalations';
import { goals } from '../../db/schema/goals';
import { issues } from '../../db/schema/issues';
import { formatSpan } from '../core/time-format';
import { highestRisks } from '../risks/index';

export type Agenda = { heading: string; items: string[] }[];

/**
 * The agenda as things stand now, built when a reminder is sent or asked for: open escalations with
 * their level and age, the approved open issues with owners and due dates, the risks at or above the
 * relationship's agenda score, and the goals still waiting for both sides' agreement.
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
  const [relationship] = await db.select().from(relationships).where(eq(relationships.id, relationshipId));
  const topRisks = await highestRisks(db, relationshipId, relationship?.riskAgendaScore ?? 12);
  const pendingGoals = await db
    .select()
    .from(goals)
    .where(
      and(eq(goals.relationshipId, relationshipId), eq(goals.status, 'proposed'), isNull(goals.retiredAt)),
    )
    .orderBy(asc(goals.createdAt));
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
    {
      heading: 'Highest risks',
      items: topRisks.map(
        (risk) =>
          `RSK-${risk.id} ${risk.title} (score ${risk.score}${risk.owner ? `, owner ${risk.owner}` : ''})`,
      ),
    },
    {
      heading: 'Goals awaiting agreement',
      items: pendingGoals.map((goal) => `${goal.title} (${goal.id})`),
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
