import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Executor, Transaction } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { roles } from '../../db/schema/directory';
import { goalAgreements, goals } from '../../db/schema/goals';
import { outbox, type Recipient } from '../../db/schema/jobs';
import { topicMessages } from '../../db/schema/topic-messages';
import { directMessageTo, type RelationshipDirectory } from '../core/directory';
import type { Notice } from '../core/notice';
import type { Work } from '../core/unit-of-work';
import { type Agreers, type Answer, agreementIn, SIDES, type Side } from './agreement';
import { agreementRequest, type Goal, type GoalContext, goalSummary, requestClosed } from './goal-notices';

export const topicOf = (goal: Pick<Goal, 'relationshipId' | 'id'>) =>
  `goal:${goal.relationshipId}/${goal.id}`;

const requestPurpose = (round: number, side: Side) => `request.${round}.${side}`;
const parsePurpose = (purpose: string) => {
  const match = /^request\.(\d+)\.(client|provider)$/.exec(purpose);
  return match ? { round: Number(match[1]), side: match[2] as Side } : undefined;
};

export async function lockGoal(tx: Transaction, relationshipId: string, goalId: string) {
  const [row] = await tx
    .select()
    .from(goals)
    .where(and(eq(goals.relationshipId, relationshipId), eq(goals.id, goalId), isNull(goals.retiredAt)))
    .for('update');
  return row;
}

export async function loadAgreers(db: Executor, relationshipId: string): Promise<Agreers> {
  const rows = await db
    .select({ scope: roles.scope, personId: roles.personId })
    .from(roles)
    .where(and(eq(roles.relationshipId, relationshipId), eq(roles.role, 'agree'), isNull(roles.retiredAt)))
    .orderBy(asc(roles.personId));
  const of = (side: Side) => rows.filter((row) => row.scope === `goals:${side}`).map((row) => row.personId);
  return { client: of('client'), provider: of('provider') };
}

/** The owner a governance file names for its goal (`owner` of `goal:<id>`). */
export async function ownerOf(db: Executor, goal: Goal): Promise<string | undefined> {
  const [row] = await db
    .select({ personId: roles.personId })
    .from(roles)
    .where(
      and(
        eq(roles.relationshipId, goal.relationshipId),
        eq(roles.role, 'owner'),
        eq(roles.scope, `goal:${goal.id}`),
        isNull(roles.retiredAt),
      ),
    );
  return row?.personId;
}

export async function loadContext(
  db: Executor,
  goal: Goal,
  directory: RelationshipDirectory,
): Promise<GoalContext> {
  const agreers = await loadAgreers(db, goal.relationshipId);
  const rows = await db
    .select()
    .from(goalAgreements)
    .where(and(eq(goalAgreements.relationshipId, goal.relationshipId), eq(goalAgreements.goalId, goal.id)))
    .orderBy(asc(goalAgreements.at), asc(goalAgreements.id));
  const answers: Answer[] = rows;
  const change = answers.findLast((answer) => answer.decision === 'change' && answer.round < goal.round);
  return {
    goal,
    directory,
    agreers,
    agreement: agreementIn(answers, goal.round, agreers),
    answers: answers.filter((answer) => answer.round === goal.round && answer.decision !== 'change'),
    ...(change ? { change } : {}),
  };
}

export async function audit(
  work: Work,
  goal: Goal,
  actor: string,
  kind: string,
  at: Date,
  data: Record<string, unknown> = {},
) {
  await work.tx.insert(auditEvents).values({
    at,
    relationshipId: goal.relationshipId,
    actor,
    kind: `goal.${kind}`,
    subject: topicOf(goal),
    data,
  });
}

/** A direct message to one person of the relationship about the goal, if they can be reached. */
export async function tell(
  work: Work,
  context: GoalContext,
  personId: string | null | undefined,
  headline: string,
) {
  const person = personId ? context.directory.people.get(personId) : undefined;
  const recipient = person && directMessageTo(person);
  if (!recipient) return;
  await work.queueNotice(recipient, goalSummary(context, headline), {
    relationshipId: context.goal.relationshipId,
    topic: topicOf(context.goal),
  });
}

/** Every agreer of both sides gets the request of the current round; returns who was reached per side. */
export function requestAgreement(work: Work, context: GoalContext): Record<Side, string[]> {
  const reached: Record<Side, string[]> = { client: [], provider: [] };
  for (const side of SIDES) {
    for (const personId of context.agreers[side]) {
      const person = context.directory.people.get(personId);
      const recipient = person && directMessageTo(person);
      if (!recipient) continue;
      queueRemembered(work, context, recipient, agreementRequest(context, side), {
        purpose: requestPurpose(context.goal.round, side),
        personId,
        urgent: true,
      });
      reached[side].push(personId);
    }
  }
  return reached;
}

/** The one governance-channel post per goal, on each platform the relationship has a channel. */
export function postToChannels(work: Work, context: GoalContext) {
  const { slackChannel, teamsChannel } = context.directory.relationship;
  const recipients = [
    ...(slackChannel ? [{ platform: 'slack' as const, channel: slackChannel }] : []),
    ...(teamsChannel ? [{ platform: 'teams' as const, conversationId: teamsChannel }] : []),
  ];
  for (const recipient of recipients) {
    queueRemembered(work, context, recipient, goalSummary(context), { purpose: 'channel' });
  }
}

/** A message to update when the goal changes: queued and remembered as the unit of work ends. */
function queueRemembered(
  work: Work,
  context: GoalContext,
  recipient: Recipient,
  notice: Notice,
  message: { purpose: string; personId?: string; urgent?: boolean },
) {
  const topic = topicOf(context.goal);
  work.queueNoticeAtEnd(recipient, notice, {
    relationshipId: context.goal.relationshipId,
    topic,
    urgent: message.urgent,
    remember: {
      into: topicMessages,
      row: { topic, purpose: message.purpose, personId: message.personId ?? null },
    },
  });
}

/**
 * Brings the goal's messages up to date: the channel post, and the requests of the current round
 * (each keeps its buttons while its agreer may still answer). Requests of `outdatedRound` are told
 * they are out of date; older ones were told when their round ended.
 */
export async function refreshMessages(
  work: Work,
  context: GoalContext,
  options: { note?: string; outdatedRound?: number } = {},
) {
  const { goal, directory } = context;
  const messages = await work.tx
    .select()
    .from(topicMessages)
    .where(eq(topicMessages.topic, topicOf(goal)))
    .orderBy(asc(topicMessages.id));
  for (const message of messages) {
    if (message.purpose === 'channel') {
      await queueUpdate(work, goal, message.outboxId, goalSummary(context, options.note));
      continue;
    }
    const request = parsePurpose(message.purpose);
    if (!request || (request.round !== goal.round && request.round !== options.outdatedRound)) continue;
    const person = message.personId ? directory.people.get(message.personId) : undefined;
    const stillAnswering =
      goal.status === 'proposed' &&
      request.round === goal.round &&
      !context.answers.some((answer) => answer.personId === message.personId);
    const notice = stillAnswering
      ? agreementRequest(context, request.side)
      : requestClosed(context, request.round, person, options.note);
    await queueUpdate(work, goal, message.outboxId, notice);
  }
}

async function queueUpdate(work: Work, goal: Goal, outboxId: number, notice: Notice) {
  const [row] = await work.tx
    .select({ recipient: outbox.recipient })
    .from(outbox)
    .where(eq(outbox.id, outboxId));
  if (!row) return;
  await work.queueNotice(row.recipient, notice, {
    relationshipId: goal.relationshipId,
    topic: topicOf(goal),
    updateOf: outboxId,
  });
}

/** The goals with this id among the given relationships (ids are unique only per relationship). */
export async function goalsWithId(db: Executor, relationshipIds: string[], goalId: string) {
  const rows = await db
    .select()
    .from(goals)
    .where(and(eq(goals.id, goalId), isNull(goals.retiredAt)))
    .orderBy(desc(goals.relationshipId));
  return rows.filter((row) => relationshipIds.includes(row.relationshipId));
}
