import { eq, sql } from 'drizzle-orm';
import { preparedRows, type Transaction } from '../../db/client';
import { escalationMessages, escalations } from '../../db/schema/escalations';
import { outbox, type Recipient } from '../../db/schema/jobs';
import { directMessageTo, type Level, type RelationshipDirectory } from '../core/directory';
import type { Notice } from '../core/notice';
import type { Work } from '../core/unit-of-work';
import { slaDueAt } from './business-hours';
import {
  approverClosed,
  approverRequest,
  type Escalation,
  escalationSummary,
  escalationUpdate,
  levelName,
  nameOf,
  reference,
} from './escalation-notices';
import { type LevelRoute, nextReachableLevel, routeLevel } from './route';

export const SLA_TIMER = 'escalation.sla';
/** After the top level's SLA runs out, the executive is reminded at most this many times. */
export const MAX_TOP_REMINDERS = 3;

export const topic = (escalationId: number) => `escalation:${escalationId}`;
const slaTimerId = (escalation: Pick<Escalation, 'id' | 'level'>) =>
  `escalation-sla.${escalation.id}.${escalation.level}`;

// Prepared: every routed batch and every decision locks its escalations first.
const lockStatement = preparedRows(
  escalations,
  (
    columns,
  ) => sql`SELECT ${columns} FROM ${escalations} WHERE ${escalations.id} = ANY(${sql.placeholder('ids')}::integer[])
    ORDER BY ${escalations.id} FOR UPDATE`,
);

/** Locks a batch's escalations with one statement, in id order, so two batches never deadlock. */
export async function lockEscalations(tx: Transaction, ids: number[]): Promise<Map<number, Escalation>> {
  const rows = await lockStatement(tx, { ids });
  return new Map(rows.map((row) => [row.id, row]));
}

export async function lockEscalation(tx: Transaction, id: number): Promise<Escalation | undefined> {
  return (await lockEscalations(tx, [id])).get(id);
}

/** An event on the escalation's timeline, written with the unit of work's others as it ends. */
export function audit(
  work: Work,
  escalation: Escalation,
  actor: string,
  kind: string,
  at: Date,
  data: Record<string, unknown> = {},
) {
  work.auditAtEnd({
    at,
    relationshipId: escalation.relationshipId,
    actor,
    kind: `escalation.${kind}`,
    subject: topic(escalation.id),
    data,
  });
}

/**
 * Sends a direct message to a person of the relationship, if they can be reached at all. Nothing
 * refers to it later, so it is written with the unit of work's other such messages as it ends.
 */
export function tell(
  work: Work,
  escalation: Escalation,
  directory: RelationshipDirectory,
  personId: string | undefined,
  headline: string,
): boolean {
  const person = personId ? directory.people.get(personId) : undefined;
  const recipient = person && directMessageTo(person);
  if (!recipient) return false;
  work.queueNoticeAtEnd(recipient, escalationUpdate(escalation, directory, person, headline), {
    relationshipId: escalation.relationshipId,
    topic: topic(escalation.id),
  });
  return true;
}

/**
 * Tells the executive what happened. The executive may decide at any level, so while the escalation
 * is open (and they did not raise it, and are not already asked as a decider) the message carries
 * the decision buttons and is kept up to date like an approver's request.
 */
export function briefExecutive(
  work: Work,
  escalation: Escalation,
  directory: RelationshipDirectory,
  headline: string,
  alreadyAsked: string[] = [],
): void {
  const executive = directory.executive ? directory.people.get(directory.executive) : undefined;
  const recipient = executive && directMessageTo(executive);
  if (!executive || !recipient) return;
  const mayDecide =
    escalation.status === 'open' &&
    executive.id !== escalation.raisedBy &&
    !alreadyAsked.includes(executive.id);
  if (!mayDecide) {
    tell(work, escalation, directory, executive.id, headline);
    return;
  }
  const request = approverRequest(escalation, directory, executive);
  sendRequest(
    work,
    escalation,
    executive.id,
    recipient,
    { ...request, context: headline, fallback: headline },
    false,
  );
}

/**
 * A message with decision buttons, or the channel post: queued, and remembered so it is updated
 * when the escalation changes, both as the unit of work ends (routing a burst of raises writes
 * them all in two statements). Nothing in the unit of work that queues them reads them back.
 */
function queueRememberedNotice(
  work: Work,
  escalation: Escalation,
  recipient: Recipient,
  notice: Notice,
  message: { purpose: 'approver'; personId: string; level: number } | { purpose: 'channel' },
  urgent: boolean,
) {
  work.queueNoticeAtEnd(recipient, notice, {
    relationshipId: escalation.relationshipId,
    topic: topic(escalation.id),
    urgent,
    remember: {
      into: escalationMessages,
      row: {
        escalationId: escalation.id,
        purpose: message.purpose,
        personId: message.purpose === 'approver' ? message.personId : null,
        level: message.purpose === 'approver' ? message.level : null,
      },
    },
  });
}

/**
 * A message with decision buttons, remembered so it is updated when the escalation changes. A
 * decider's request is `urgent`: it is what moves the escalation on, so it goes before the messages
 * that inform. The executive's briefing carries the buttons too, but informs first.
 */
function sendRequest(
  work: Work,
  escalation: Escalation,
  personId: string,
  recipient: Recipient,
  notice: Notice,
  urgent: boolean,
) {
  queueRememberedNotice(
    work,
    escalation,
    recipient,
    notice,
    { purpose: 'approver', personId, level: escalation.level },
    urgent,
  );
}

/** Each decider of the current level gets the request with the decision buttons. */
export function requestDecisions(
  work: Work,
  escalation: Escalation,
  directory: RelationshipDirectory,
  route: LevelRoute,
): string[] {
  const reached: string[] = [];
  for (const decider of route.deciders) {
    const person = directory.people.get(decider.personId);
    const recipient = person && directMessageTo(person);
    if (!recipient) continue;
    sendRequest(
      work,
      escalation,
      decider.personId,
      recipient,
      approverRequest(escalation, directory, person, decider.forApprover),
      true,
    );
    reached.push(decider.personId);
  }
  return reached;
}

/** The one governance-channel post per escalation, on each platform the relationship has a channel. */
export function postToChannels(work: Work, escalation: Escalation, directory: RelationshipDirectory) {
  const { slackChannel, teamsChannel } = directory.relationship;
  const recipients = [
    ...(slackChannel ? [{ platform: 'slack' as const, channel: slackChannel }] : []),
    ...(teamsChannel ? [{ platform: 'teams' as const, conversationId: teamsChannel }] : []),
  ];
  for (const recipient of recipients) {
    queueRememberedNotice(
      work,
      escalation,
      recipient,
      escalationSummary(escalation, directory, undefined),
      { purpose: 'channel' },
      false,
    );
  }
}

/**
 * Brings every message already posted about the escalation up to date: the channel post, and each
 * approver's request (which loses its buttons once its level no longer decides).
 */
export async function refreshMessages(work: Work, escalation: Escalation, directory: RelationshipDirectory) {
  const messages = await work.tx
    .select()
    .from(escalationMessages)
    .where(eq(escalationMessages.escalationId, escalation.id));
  for (const message of messages) {
    const person = message.personId ? directory.people.get(message.personId) : undefined;
    const stillDeciding = escalation.status === 'open' && message.level === escalation.level;
    if (message.purpose === 'approver' && stillDeciding) continue;
    const notice =
      message.purpose === 'approver'
        ? approverClosed(escalation, directory, person, message.level ?? escalation.level)
        : escalationSummary(escalation, directory, undefined);
    await queueUpdate(work, escalation, message.outboxId, notice);
  }
}

async function queueUpdate(work: Work, escalation: Escalation, outboxId: number, notice: Notice) {
  const [row] = await work.tx
    .select({ recipient: outbox.recipient })
    .from(outbox)
    .where(eq(outbox.id, outboxId));
  if (!row) return;
  await work.queueNotice(row.recipient, notice, {
    relationshipId: escalation.relationshipId,
    topic: topic(escalation.id),
    updateOf: outboxId,
  });
}

export function slaDue(directory: RelationshipDirectory, level: Level, from: Date): Date {
  return slaDueAt(from, level.respondWithinSeconds, {
    timeZone: directory.relationship.timezone,
    businessHours: directory.relationship.businessHours,
  });
}

/** `fresh`: the escalation was routed in this unit of work, so it has no SLA timer yet. */
export async function scheduleSla(
  work: Work,
  escalation: Escalation,
  dueAt: Date,
  { attempt = 0, fresh = false }: { attempt?: number; fresh?: boolean } = {},
) {
  await work.scheduleTimer({
    fresh,
    id: attempt === 0 ? slaTimerId(escalation) : `${slaTimerId(escalation)}.reminder${attempt}`,
    name: SLA_TIMER,
    dueAt,
    relationshipId: escalation.relationshipId,
    payload: { escalationId: escalation.id, level: escalation.level, attempt },
  });
}

export async function cancelSla(work: Work, escalation: Escalation) {
  await work.cancelTimer(slaTimerId(escalation));
  for (let attempt = 1; attempt <= MAX_TOP_REMINDERS; attempt++) {
    await work.cancelTimer(`${slaTimerId(escalation)}.reminder${attempt}`);
  }
}

export type MoveReason =
  | { kind: 'sla_breached' }
  | { kind: 'escalated_now'; by: string; reason?: string }
  | { kind: 'nobody_reachable' };

/**
 * Moves an open escalation up to the next level that has someone to decide, or, when there is none,
 * leaves it where it is and returns undefined (the caller tells the executive).
 */
export async function moveUp(
  work: Work,
  escalation: Escalation,
  directory: RelationshipDirectory,
  why: MoveReason,
  now: Date,
): Promise<{ escalation: Escalation; level: Level; passed: Level[]; reached: string[] } | undefined> {
  const next = nextReachableLevel(
    directory.levels,
    escalation.level,
    escalation.raisedBy,
    directory.absences,
    now,
  );
  if (!next) return undefined;
  await cancelSla(work, escalation);
  const [moved] = await work.tx
    .update(escalations)
    .set({
      level: next.level.position,
      levelStartedAt: now,
      slaDueAt: slaDue(directory, next.level, now),
      topReminders: 0,
      version: escalation.version + 1,
    })
    .where(eq(escalations.id, escalation.id))
    .returning();
  if (!moved) throw new Error(`escalation ${escalation.id} vanished while moving up`);
  const reached = requestDecisions(work, moved, directory, next.route);
  await refreshMessages(work, moved, directory);
  if (moved.slaDueAt) await scheduleSla(work, moved, moved.slaDueAt);
  audit(work, moved, why.kind === 'escalated_now' ? why.by : 'accord', 'moved_up', now, {
    from: escalation.level,
    to: moved.level,
    why: why.kind,
    passed: next.passed.map((level) => level.position),
    ...(why.kind === 'escalated_now' && why.reason ? { reason: why.reason } : {}),
  });
  const isTop = moved.level === directory.levels.at(-1)?.position;
  const cause =
    why.kind === 'sla_breached'
      ? `the SLA of level ${escalation.level} ran out with no decision`
      : why.kind === 'escalated_now'
        ? `${nameOf(directory, why.by)} escalated it`
        : `nobody at level ${escalation.level} could be reached`;
  const passedNote = next.passed.length
    ? ` Nobody could be reached at ${next.passed.map(levelName).join(', ')}.`
    : '';
  briefExecutive(
    work,
    moved,
    directory,
    `${reference(moved.id)} moved to ${levelName(next.level)}${isTop ? ', the top level' : ''}: ${cause}.${passedNote}`,
    reached,
  );
  return { escalation: moved, level: next.level, passed: next.passed, reached };
}

export { routeLevel };
