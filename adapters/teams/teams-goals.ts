import { chooseRelationship } from '../../workflows/core/directory';
import {
  answerGoal,
  closeGoal,
  GOAL_ACTIONS,
  type GoalDecision,
  GoalError,
  listGoals,
  parseActionValue,
  proposeGoal,
} from '../../workflows/goals/index';
import { type CommandDeps, explain } from '../commands/command-deps';
import { goalHelp, parseGoalCommand } from '../commands/goal-command';
import {
  type Answer,
  answerForm,
  confirmationCard,
  decisionAnswer,
  type FormProblem,
  NOT_IN_DIRECTORY,
  NOT_OURS,
  type TeamsActor,
} from './teams-answers';
import { PROPOSE_VERB, type ProposeFormValues, proposeGoalCard, readProposeForm } from './teams-goal-cards';

const DECISIONS: Record<string, GoalDecision> = {
  [GOAL_ACTIONS.agree]: 'agree',
  [GOAL_ACTIONS.reject]: 'reject',
  [GOAL_ACTIONS.change]: 'change',
};

/** Whether a card action belongs to goals. */
export const isGoalVerb = (verb: string) => verb === PROPOSE_VERB || Object.hasOwn(DECISIONS, verb);

export const goalUsage = () => goalHelp('goal');

/** `goal ...` typed in a chat or channel: the same answers as `/goal` in Slack. */
export async function answerGoalCommand(deps: CommandDeps, actor: TeamsActor, text: string): Promise<Answer> {
  const { identity } = actor;
  const parsed = parseGoalCommand(text);
  try {
    switch (parsed.kind) {
      case 'help':
        return { message: goalUsage() };
      case 'invalid':
        return { message: `${parsed.message}\n\n${goalUsage()}` };
      case 'list':
        return { message: await listGoals(deps.db, identity) };
      case 'achieved':
      case 'drop':
        return {
          message: await closeGoal(deps, {
            actor: identity,
            reference: parsed.goal,
            status: parsed.kind === 'achieved' ? 'achieved' : 'dropped',
            ...(parsed.kind === 'drop' ? { reason: parsed.reason } : {}),
          }),
        };
      case 'form':
      case 'propose': {
        const choice = await chooseRelationship(deps.db, identity, actor.channel);
        if (choice.kind === 'none') return { message: NOT_IN_DIRECTORY };
        if (parsed.kind === 'propose' && choice.kind === 'one') {
          const proposed = await proposeGoal(deps, {
            relationshipId: choice.relationshipId,
            proposedBy: choice.personId,
            title: parsed.title,
          });
          return { message: proposed.confirmation };
        }
        return formFor(deps, actor, { title: parsed.kind === 'propose' ? parsed.title : undefined });
      }
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

async function formFor(
  deps: CommandDeps,
  actor: TeamsActor,
  values: ProposeFormValues,
  error?: { field: string; message: string },
): Promise<Answer> {
  const choice = await chooseRelationship(deps.db, actor.identity, actor.channel);
  if (choice.kind === 'none') return { message: NOT_IN_DIRECTORY };
  const options =
    choice.kind === 'one'
      ? [{ relationshipId: choice.relationshipId, name: choice.relationshipId }]
      : choice.options;
  return {
    card: proposeGoalCard({
      values,
      error,
      relationships: options.map((option) => ({ value: option.relationshipId, label: option.name })),
    }),
  };
}

/**
 * A click on a goal card: Agree, Reject or Propose change on a request, or the propose form's
 * submission. Answers with the card as it should look now and the explanation for the clicker.
 */
export async function answerGoalAction(
  deps: CommandDeps,
  actor: TeamsActor,
  verb: string,
  data: Record<string, unknown>,
): Promise<Answer> {
  if (verb === PROPOSE_VERB) return proposeFromForm(deps, actor, data);
  const decision = DECISIONS[verb];
  const target = parseActionValue(typeof data.value === 'string' ? data.value : '');
  if (!decision || !target) return { message: NOT_OURS };
  try {
    const result = await answerGoal(deps, {
      ...target,
      decision,
      actor: actor.identity,
      note: typeof data.reason === 'string' ? data.reason : undefined,
    });
    return decisionAnswer(result);
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

async function proposeFromForm(
  deps: CommandDeps,
  actor: TeamsActor,
  data: Record<string, unknown>,
): Promise<Answer> {
  const form = readProposeForm(data);
  const reopen = (problem: FormProblem) => formFor(deps, actor, form.values, problem);
  return answerForm(
    deps,
    actor,
    { relationshipId: form.relationshipId, reopen, problemOf },
    async (membership) => {
      const proposed = await proposeGoal(deps, {
        relationshipId: membership.relationshipId,
        proposedBy: membership.personId,
        title: form.values.title ?? '',
        description: form.values.description,
        measure: form.values.measure,
        targetDate: form.values.targetDate,
      });
      return {
        card: confirmationCard(`Goal ${proposed.goal.id}: ${proposed.goal.title}`, proposed.confirmation),
      };
    },
  );
}

const problemOf = (error: unknown): FormProblem | undefined =>
  error instanceof GoalError ? { field: error.field ?? 'title', message: error.message } : undefined;
