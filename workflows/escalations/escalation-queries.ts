import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { escalationDecisions, escalations } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import { formatInZone, formatSpan } from '../core/time-format';
import { escalationDirectory } from './escalation-directory';
import { topic } from './escalation-engine';
import { EscalationError } from './escalation-errors';
import { nameOf, reference } from './escalation-notices';
import { deciderFor, routeLevel } from './route';

/** `/escalate list`: open escalations the person raised, and those waiting for their decision. */
export async function listEscalations(db: Executor, clock: Clock, actor: PlatformIdentity): Promise<string> {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) throw notInDirectory();
  const now = clock.now();
  const mine: string[] = [];
  const waiting: string[] = [];
  for (const { relationshipId, personId } of memberships) {
    const directory = await loadDirectory(db, relationshipId);
    if (!directory) continue;
    const open = await db
      .select()
      .from(escalations)
      .where(and(eq(escalations.relationshipId, relationshipId), eq(escalations.status, 'open')))
      .orderBy(asc(escalations.id));
    const decided = open.length
      ? await db
          .select()
          .from(escalationDecisions)
          .where(
            and(
              inArray(
                escalationDecisions.escalationId,
                open.map((e) => e.id),
              ),
              eq(escalationDecisions.personId, personId),
            ),
          )
      : [];
    for (const escalation of open) {
      const line = `${reference(escalation.id)} ${escalation.title} (level ${escalation.level}, ${escalation.severity}, open ${formatSpan((now.getTime() - escalation.createdAt.getTime()) / 1000)})`;
      if (escalation.raisedBy === personId) mine.push(line);
      const ladder = escalation.goalId
        ? await escalationDirectory(db, relationshipId, escalation.goalId)
        : directory;
      const level = ladder?.levels.find((candidate) => candidate.position === escalation.level);
      const route = level && routeLevel(level, escalation.raisedBy, directory.absences, now);
      const isDecider = route && deciderFor(route, personId);
      const alreadyDecided = decided.some(
        (d) => d.escalationId === escalation.id && d.level === escalation.level,
      );
      if (isDecider && !alreadyDecided) waiting.push(line);
    }
  }
  const section = (heading: string, lines: string[]) =>
    `${heading}\n${lines.length ? lines.map((line) => `• ${line}`).join('\n') : '• none'}`;
  return `${section('Raised by you, open:', mine)}\n\n${section('Waiting for your decision:', waiting)}`;
}

/** `/escalate show ESC-12`: the escalation and its timeline, from the audit trail. */
export async function showEscalation(
  db: Executor,
  actor: PlatformIdentity,
  escalationId: number,
): Promise<string> {
  const [escalation] = await db.select().from(escalations).where(eq(escalations.id, escalationId));
  const memberships = await findMemberships(db, actor);
  const membership = memberships.find((m) => m.relationshipId === escalation?.relationshipId);
  if (!escalation || !membership) {
    throw new EscalationError(
      'unknown_escalation',
      `There is no escalation ${reference(escalationId)} in your relationships.`,
    );
  }
  const directory = await escalationDirectory(db, escalation.relationshipId, escalation.goalId);
  if (!directory)
    throw new EscalationError('unknown_escalation', `There is no escalation ${reference(escalationId)}.`);
  const zone = directory.people.get(membership.personId)?.timezone ?? directory.relationship.timezone;
  const events = await db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.subject, topic(escalation.id)))
    .orderBy(asc(auditEvents.at), asc(auditEvents.id));
  const lines = events.map(
    (event) =>
      `• ${formatInZone(event.at, zone)}: ${describeEvent(event.kind, event.actor, event.data, directory)}`,
  );
  return [
    `${reference(escalation.id)}: ${escalation.title}`,
    `Status: ${escalation.status}, level ${escalation.level} of ${directory.levels.length}, severity ${escalation.severity}, raised by ${nameOf(directory, escalation.raisedBy)}`,
    'Timeline:',
    ...lines,
  ].join('\n');
}

function describeEvent(
  kind: string,
  actor: string,
  data: Record<string, unknown>,
  directory: Parameters<typeof nameOf>[0],
) {
  const who = actor === 'accord' ? 'Accord' : nameOf(directory, actor);
  const reason = typeof data.reason === 'string' && data.reason ? ` ("${data.reason}")` : '';
  const onBehalf = typeof data.onBehalfOf === 'string' ? ` for ${nameOf(directory, data.onBehalfOf)}` : '';
  switch (kind) {
    case 'escalation.raised':
      return `${who} raised it at level ${data.level}`;
    case 'escalation.approval_recorded':
      return `${who} approved${onBehalf} (${data.approvals} of ${data.needed})`;
    case 'escalation.approved':
      return `${who} approved it${onBehalf}${reason}`;
    case 'escalation.rejected':
      return `${who} rejected it${onBehalf}${reason}`;
    case 'escalation.moved_up':
      return `moved from level ${data.from} to level ${data.to} (${String(data.why).replaceAll('_', ' ')}${data.why === 'escalated_now' ? ` by ${who}` : ''})${reason}`;
    case 'escalation.executive_reminded':
      return `the executive was reminded (${data.attempt})`;
    case 'escalation.resolved':
      return `${who} resolved it${typeof data.note === 'string' && data.note ? `: ${data.note}` : ''}`;
    case 'escalation.not_routed':
      return `closed unsent: ${String(data.reason)}`;
    case 'delivery.failed':
      return `a message could not be delivered: ${String(data.error)}`;
    default:
      return `${who}: ${kind}`;
  }
}

const notInDirectory = () =>
  new EscalationError(
    'not_in_directory',
    'You are not in the governance directory of any relationship. Ask your administrator to add you to the governance file.',
  );
