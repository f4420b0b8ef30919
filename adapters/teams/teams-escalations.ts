import { activeGoals, chooseRelationship, type RelationshipChoice } from '../../workflows/core/directory';
import {
  type Decision,
  decideEscalation,
  ESCALATION_ACTIONS,
  EscalationError,
  listEscalations,
  parseActionValue,
  type RaiseFields,
  raiseEscalation,
  raiseEscalationAs,
  resolveEscalation,
  setAway,
  setBack,
  showEscalation,
} from '../../workflows/escalations/index';
import { type CommandDeps, explain } from '../commands/command-deps';
import { escalateHelp, parseEscalateCommand } from '../commands/escalate-command';
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
import {
  RAISE_VERB,
  type RaiseFormValues,
  raiseEscalationCard,
  readRaiseForm,
} from './teams-escalation-form';

const DECISIONS: Record<string, Decision> = {
  [ESCALATION_ACTIONS.approve]: 'approve',
  [ESCALATION_ACTIONS.reject]: 'reject',
  [ESCALATION_ACTIONS.escalate]: 'escalate',
};

export const escalateUsage = () => escalateHelp('escalate');

/** `escalate ...` typed in a chat or channel. */
export async function answerEscalateCommand(
  deps: CommandDeps,
  actor: TeamsActor,
  text: string,
): Promise<Answer> {
  const { identity } = actor;
  const parsed = parseEscalateCommand(text);
  try {
    switch (parsed.kind) {
      case 'help':
        return { message: escalateUsage() };
      case 'invalid':
        return { message: `${parsed.message}\n\n${escalateUsage()}` };
      case 'list':
        return { message: await listEscalations(deps.db, deps.clock, identity) };
      case 'show':
        return { message: await showEscalation(deps.db, identity, parsed.escalationId) };
      case 'resolve':
        return {
          message: await resolveEscalation(deps, {
            actor: identity,
            escalationId: parsed.escalationId,
            note: parsed.note,
          }),
        };
      case 'away': {
        let delegate = parsed.delegate;
        if (delegate && 'teamsMention' in delegate) {
          const aadObjectId = await actor.mentioned(delegate.teamsMention);
          if (!aadObjectId) {
            const name = delegate.teamsMention.replace(/<\/?at>/g, '');
            return {
              message: `I could not find out who ${name} is in Teams. Name your delegate by their id in the governance file instead: \`escalate away 3d frank\`.`,
            };
          }
          delegate = { aadObjectId };
        }
        return {
          message: await setAway(deps, {
            actor: identity,
            until: parsed.until,
            ...(delegate ? { delegate } : {}),
          }),
        };
      }
      case 'back':
        return { message: await setBack(deps, { actor: identity }) };
      case 'form':
        return formFor(deps, actor, {});
      case 'raise': {
        const raised = await raiseEscalationAs(deps, identity, actor.channel, { title: parsed.title });
        if (raised.kind === 'raised') return { message: raised.confirmation };
        return formFor(deps, actor, { title: parsed.title }, undefined, raised.choice);
      }
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

/** The raise form offering the person's relationships and goals, or why they cannot raise at all. */
async function formFor(
  deps: CommandDeps,
  actor: TeamsActor,
  values: RaiseFormValues,
  error?: { field: string; message: string },
  known?: RelationshipChoice,
): Promise<Answer> {
  const choice = known ?? (await chooseRelationship(deps.db, actor.identity, actor.channel));
  if (choice.kind === 'none') return { message: NOT_IN_DIRECTORY };
  const options =
    choice.kind === 'one'
      ? [{ relationshipId: choice.relationshipId, name: choice.relationshipId }]
      : choice.options;
  const goals = await activeGoals(
    deps.db,
    options.map((option) => option.relationshipId),
  );
  return {
    card: raiseEscalationCard({
      values,
      error,
      relationships: options.map((option) => ({ value: option.relationshipId, label: option.name })),
      goals: goals.map((goal) => ({
        value: `${goal.relationshipId}/${goal.id}`,
        label: options.length > 1 ? `${goal.title} (${goal.relationshipId})` : goal.title,
      })),
    }),
  };
}

/**
 * A click on a card: Action.Execute (an invoke) or its Action.Submit fallback (a message), both
 * carrying `{ action, value }` plus the card's inputs. Answers with the card as it should look now
 * and the explanation for the person who clicked.
 */
export async function answerCardAction(
  deps: CommandDeps,
  actor: TeamsActor,
  verb: string,
  data: Record<string, unknown>,
): Promise<Answer> {
  if (verb === RAISE_VERB) return raiseFromForm(deps, actor, data);
  const decision = DECISIONS[verb];
  const target = parseActionValue(typeof data.value === 'string' ? data.value : '');
  if (!decision || !target) return { message: NOT_OURS };
  try {
    const result = await decideEscalation(deps, {
      escalationId: target.escalationId,
      shownLevel: target.level,
      decision,
      actor: actor.identity,
      reason: typeof data.reason === 'string' ? data.reason : undefined,
    });
    return decisionAnswer(result);
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

async function raiseFromForm(
  deps: CommandDeps,
  actor: TeamsActor,
  data: Record<string, unknown>,
): Promise<Answer> {
  const form = readRaiseForm(data);
  const reopen = (problem: FormProblem) => formFor(deps, actor, form.values, problem);
  return answerForm(
    deps,
    actor,
    { relationshipId: form.relationshipId, reopen, problemOf },
    async (membership) => {
      if (form.goal && form.goal.relationshipId !== membership.relationshipId) {
        return { problem: { field: 'goal', message: 'That goal belongs to another relationship.' } };
      }
      const raised = await raiseEscalation(deps, {
        relationshipId: membership.relationshipId,
        raisedBy: membership.personId,
        title: form.values.title ?? '',
        description: form.values.description,
        severity: form.values.severity as RaiseFields['severity'],
        goalId: form.goal?.goalId,
      });
      return {
        card: confirmationCard(`${raised.reference}: ${raised.title}`, raised.confirmation),
      };
    },
  );
}

const problemOf = (error: unknown): FormProblem | undefined =>
  error instanceof EscalationError
    ? { field: error.field === 'goalId' ? 'goal' : (error.field ?? 'title'), message: error.message }
    : undefined;
