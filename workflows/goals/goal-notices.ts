import type { goals } from '../../db/schema/goals';
import { nameOf as nameOfPerson, type Person, type RelationshipDirectory } from '../core/directory';
import type { Notice } from '../core/notice';
import type { Agreement, Agreers, Answer, Side } from './agreement';

export type Goal = typeof goals.$inferSelect;

/** A goal with everything its messages show: its relationship, agreers and this round's agreement. */
export type GoalContext = {
  goal: Goal;
  directory: RelationshipDirectory;
  agreers: Agreers;
  agreement: Agreement;
  /** Every answer of the current round. */
  answers: Answer[];
  /** The latest change proposed, which the current round is agreeing to. */
  change?: Answer;
};

export const GOAL_ACTIONS = {
  agree: 'goal.agree',
  reject: 'goal.reject',
  change: 'goal.change',
} as const;

/** The answer buttons carry the goal, the round and the side the request was sent for. */
export const actionValue = (goal: Goal, side: Side) =>
  `${goal.relationshipId}/${goal.id}/${goal.round}/${side}`;

export type ActionTarget = { relationshipId: string; goalId: string; round: number; side: Side };

export function parseActionValue(value: string): ActionTarget | undefined {
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+)\/(\d{1,6})\/(client|provider)$/.exec(value);
  if (!match) return undefined;
  return {
    relationshipId: match[1] ?? '',
    goalId: match[2] ?? '',
    round: Number(match[3]),
    side: match[4] as Side,
  };
}

export const nameOf = (directory: RelationshipDirectory, personId: string | null | undefined) =>
  nameOfPerson(directory, personId, 'someone');

export const sideName = (directory: RelationshipDirectory, side: Side) =>
  `${side === 'client' ? directory.relationship.client : directory.relationship.provider} (the ${side})`;

export const goalTitle = (goal: Goal) => `Goal ${goal.id}: ${goal.title}`;

export function statusLine(goal: Goal): string {
  switch (goal.status) {
    case 'proposed':
      return `Proposed (round ${goal.round}): waiting for both sides to agree`;
    case 'agreed':
      return 'Agreed by both sides';
    case 'achieved':
      return 'Achieved';
    case 'dropped':
      return 'Dropped';
  }
}

/** One side's standing, as a person reads it. */
export function sideLine(context: GoalContext, side: Side): string {
  const { goal, directory, agreers } = context;
  const state = context.agreement[side];
  const quoted = (note: string | null | undefined) => (note ? ` — "${note}"` : '');
  if (state.status === 'agreed') return `Agreed by ${nameOf(directory, state.personId)}`;
  if (state.status === 'rejected') {
    return `Rejected by ${nameOf(directory, state.personId)}${quoted(state.note)}`;
  }
  if (goal.status !== 'proposed' && goal.source === 'file') return 'Agreed in the governance file';
  if (agreers[side].length === 0) return 'Nobody agrees goals for this side yet';
  return `Waiting for ${agreers[side].map((personId) => nameOf(directory, personId)).join(', ')}`;
}

function fields(context: GoalContext) {
  const { goal, directory } = context;
  const list = [
    { label: 'Status', value: statusLine(goal) },
    { label: 'Relationship', value: directory.relationship.name },
    {
      label: 'Proposed by',
      value: goal.source === 'file' ? 'the governance file' : nameOf(directory, goal.proposedBy),
    },
  ];
  if (goal.measure) list.push({ label: 'Measure and target', value: goal.measure });
  if (goal.targetDate) list.push({ label: 'Target date', value: goal.targetDate });
  list.push(
    { label: directory.relationship.client, value: sideLine(context, 'client') },
    { label: directory.relationship.provider, value: sideLine(context, 'provider') },
  );
  if (context.change) {
    list.push({
      label: 'Change proposed',
      value: `${nameOf(directory, context.change.personId)}: ${context.change.note ?? ''}`,
    });
  }
  return list;
}

/** The goal as it stands, with no buttons: the channel post, updates, and notes to one person. */
export function goalSummary(context: GoalContext, note?: string): Notice {
  return {
    title: goalTitle(context.goal),
    text: context.goal.description || undefined,
    fields: fields(context),
    context: note,
    fallback: note ?? `${goalTitle(context.goal)}: ${statusLine(context.goal)}`,
  };
}

/** The request to one agreer of a side, with Agree, Reject and Propose change. */
export function agreementRequest(context: GoalContext, side: Side): Notice {
  const { goal, directory } = context;
  const value = actionValue(goal, side);
  return {
    title: goalTitle(goal),
    text: goal.description || undefined,
    fields: fields(context),
    input: {
      id: 'reason',
      label: 'Reason, or the change you propose',
      placeholder: 'Needed for Propose change; optional otherwise',
    },
    actions: [
      { id: GOAL_ACTIONS.agree, label: 'Agree', value, style: 'primary' },
      { id: GOAL_ACTIONS.reject, label: 'Reject', value, style: 'danger' },
      { id: GOAL_ACTIONS.change, label: 'Propose change', value },
    ],
    context: `You answer for ${sideName(directory, side)}.`,
    fallback: `Goal ${goal.id} needs your agreement: ${goal.title}`,
  };
}

/** A request that no longer takes an answer from this person: answered, out of date, or decided. */
export function requestClosed(
  context: GoalContext,
  shownRound: number,
  viewer: Person | undefined,
  headline?: string,
): Notice {
  const { goal } = context;
  const own = viewer && context.answers.findLast((answer) => answer.personId === viewer.id);
  const note =
    shownRound < goal.round
      ? `Out of date: the goal changed and is now in round ${goal.round}; answer the newer request.`
      : headline
        ? headline
        : goal.status === 'proposed' && own
          ? `You ${own.decision === 'agree' ? 'agreed to' : 'rejected'} this goal.`
          : statusLine(goal);
  return goalSummary(context, note);
}
