import { and, eq } from 'drizzle-orm';
import { goalAgreements, goals } from '../../db/schema/goals';
import type { Clock } from '../core/clock';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import type { Notice } from '../core/notice';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import { sideOf } from './agreement';
import { audit, loadContext, lockGoal, refreshMessages, requestAgreement, tell } from './goal-engine';
import { GoalError } from './goal-errors';
import { readNote } from './goal-input';
import {
  type ActionTarget,
  agreementRequest,
  type GoalContext,
  nameOf,
  requestClosed,
  sideName,
} from './goal-notices';

export type GoalDecision = 'agree' | 'reject' | 'change';

export type AnswerResult = {
  outcome:
    | 'agreed'
    | 'agreement_recorded'
    | 'rejected'
    | 'change_proposed'
    | 'not_an_agreer'
    | 'wrong_side'
    | 'already_answered'
    | 'change_needs_text'
    | 'goal_closed'
    | 'goal_moved_on';
  /** The private answer to the person who clicked. */
  message: string;
  /** What the clicked message should show now; absent when it was not the clicker's to change. */
  current?: Notice;
};

/**
 * One click on Agree, Reject or Propose change. The goal row is locked, so a double click makes one
 * answer; a stale or foreign click changes nothing and gets a private explanation.
 */
export async function answerGoal(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: ActionTarget & { decision: GoalDecision; actor: PlatformIdentity; note?: string },
): Promise<AnswerResult> {
  const note = readNote(input.note);
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const goal = await lockGoal(work.tx, input.relationshipId, input.goalId);
    const directory = goal && (await loadDirectory(work.tx, goal.relationshipId));
    if (!goal || !directory) throw new GoalError('unknown_goal', `There is no goal "${input.goalId}".`);
    const context = await loadContext(work.tx, goal, directory);
    const membership = (await findMemberships(work.tx, input.actor)).find(
      (candidate) => candidate.relationshipId === goal.relationshipId,
    );
    const actorId = membership?.personId;
    const refuse = (outcome: AnswerResult['outcome'], message: string, showCurrent = true): AnswerResult => ({
      outcome,
      message,
      ...(showCurrent && actorId ? { current: viewFor(context, input.round, input.side, actorId) } : {}),
    });
    const agreersLine = (['client', 'provider'] as const)
      .map(
        (side) =>
          `${context.agreers[side].map((id) => nameOf(directory, id)).join(', ') || 'nobody'} for ${sideName(directory, side)}`,
      )
      .join(' and ');

    if (!actorId) {
      return refuse(
        'not_an_agreer',
        `You are not part of ${directory.relationship.name}, so you cannot answer for goal ${goal.id}.`,
        false,
      );
    }
    if (goal.status !== 'proposed') {
      return refuse('goal_closed', `Goal ${goal.id} is already ${goal.status}; nothing was changed.`);
    }
    if (goal.round !== input.round) {
      return refuse(
        'goal_moved_on',
        `Goal ${goal.id} changed since this request (it is now in round ${goal.round}); your answer to round ${input.round} was not recorded. Answer the newer request.`,
      );
    }
    const side = sideOf(context.agreers, actorId);
    if (!side) {
      return refuse(
        'not_an_agreer',
        `Only the goal agreers (${agreersLine}) can answer for goal ${goal.id}; nothing was changed.`,
        false,
      );
    }
    if (side !== input.side) {
      return refuse(
        'wrong_side',
        `You agree goals for ${sideName(directory, side)}, and this request is for ${sideName(directory, input.side)}: nobody agrees for both sides, so nothing was changed.`,
        false,
      );
    }
    if (input.decision === 'change' && !note) {
      return refuse(
        'change_needs_text',
        'Type the change you propose in the box, then click Propose change again.',
      );
    }
    if (input.decision !== 'change') {
      const own = context.answers.find((answer) => answer.personId === actorId);
      if (own) {
        return refuse(
          'already_answered',
          `You already ${own.decision === 'agree' ? 'agreed to' : 'rejected'} goal ${goal.id} in this round.`,
        );
      }
    }
    await work.tx.insert(goalAgreements).values({
      relationshipId: goal.relationshipId,
      goalId: goal.id,
      round: goal.round,
      side,
      personId: actorId,
      decision: input.decision,
      note: note || null,
      at: now,
    });
    const who = nameOf(directory, actorId);
    if (input.decision === 'change') return proposeChange(work, context, actorId, side, note, now);

    const after = await loadContext(work.tx, goal, directory);
    if (input.decision === 'reject') {
      await audit(work, goal, actorId, 'rejected', now, { round: goal.round, side, note });
      await refreshMessages(work, after);
      if (goal.proposedBy !== actorId) {
        await tell(
          work,
          after,
          goal.proposedBy,
          `${who} rejected goal ${goal.id} for ${sideName(directory, side)}${note ? `: ${note}` : '.'}`,
        );
      }
      return {
        outcome: 'rejected',
        message: `You rejected goal ${goal.id} for ${sideName(directory, side)}.`,
        current: viewFor(after, goal.round, side, actorId),
      };
    }
    if (!after.agreement.agreed) {
      await audit(work, goal, actorId, 'agreement_recorded', now, { round: goal.round, side, note });
      await refreshMessages(work, after);
      const other = side === 'client' ? 'provider' : 'client';
      return {
        outcome: 'agreement_recorded',
        message: `Your agreement for ${sideName(directory, side)} is recorded; goal ${goal.id} is agreed once ${sideName(directory, other)} agrees too.`,
        current: viewFor(after, goal.round, side, actorId),
      };
    }
    const [agreed] = await work.tx
      .update(goals)
      .set({ status: 'agreed', updatedAt: now })
      .where(and(eq(goals.relationshipId, goal.relationshipId), eq(goals.id, goal.id)))
      .returning();
    if (!agreed) throw new Error(`goal ${goal.id} vanished while being agreed`);
    const done = { ...after, goal: agreed };
    await audit(work, agreed, actorId, 'agreed', now, { round: agreed.round, side, note });
    const headline = `Goal ${agreed.id} is agreed by both sides.`;
    await refreshMessages(work, done, { note: headline });
    if (agreed.proposedBy !== actorId) await tell(work, done, agreed.proposedBy, headline);
    return {
      outcome: 'agreed',
      message: `You agreed for ${sideName(directory, side)}: ${headline}`,
      current: viewFor(done, agreed.round, side, actorId),
    };
  });
}

/** A change starts a new round: the answers so far stop counting and both sides are asked again. */
async function proposeChange(
  work: Work,
  context: GoalContext,
  actorId: string,
  side: 'client' | 'provider',
  note: string,
  now: Date,
): Promise<AnswerResult> {
  const { goal, directory } = context;
  const [changed] = await work.tx
    .update(goals)
    .set({ round: goal.round + 1, updatedAt: now })
    .where(and(eq(goals.relationshipId, goal.relationshipId), eq(goals.id, goal.id)))
    .returning();
  if (!changed) throw new Error(`goal ${goal.id} vanished while changing`);
  const after = await loadContext(work.tx, changed, directory);
  await audit(work, changed, actorId, 'change_proposed', now, { side, note, round: changed.round });
  await refreshMessages(work, after, { outdatedRound: goal.round });
  requestAgreement(work, after);
  const headline = `${nameOf(directory, actorId)} proposed a change to goal ${goal.id}: ${note}`;
  if (goal.proposedBy !== actorId) await tell(work, after, goal.proposedBy, headline);
  return {
    outcome: 'change_proposed',
    message: `Your change to goal ${goal.id} is recorded: both sides are asked to agree again (round ${changed.round}).`,
    current: requestClosed(after, goal.round, directory.people.get(actorId)),
  };
}

/** The clicked request as the clicker should see it now. */
function viewFor(
  context: GoalContext,
  shownRound: number,
  side: 'client' | 'provider',
  actorId: string,
): Notice {
  const { goal, directory } = context;
  const answered = context.answers.some((answer) => answer.personId === actorId);
  return goal.status === 'proposed' && goal.round === shownRound && !answered
    ? agreementRequest(context, side)
    : requestClosed(context, shownRound, directory.people.get(actorId));
}
