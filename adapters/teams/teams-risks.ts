import { findMemberships } from '../../workflows/core/directory';
import {
  addRisk,
  closeRisk,
  listRisks,
  RiskError,
  riskFormChoices,
  updateRisk,
} from '../../workflows/risks/index';
import { type CommandDeps, explain } from '../commands/command-deps';
import { parseRiskCommand, riskHelp } from '../commands/risk-command';
import {
  type Answer,
  answerForm,
  confirmationCard,
  type FormProblem,
  NOT_IN_DIRECTORY,
  NOT_OURS,
  type TeamsActor,
} from './teams-answers';
import { ADD_RISK_VERB, addRiskCard, type RiskFormValues, readAddRiskCard } from './teams-risk-card';

/** Whether a card action belongs to the risk register. */
export const isRiskVerb = (verb: string) => verb === ADD_RISK_VERB;

export const riskUsage = () => riskHelp('risk');

/** `risk ...` typed in a chat or channel: the same answers as `/risk` in Slack. */
export async function answerRiskCommand(deps: CommandDeps, actor: TeamsActor, text: string): Promise<Answer> {
  const { identity } = actor;
  const parsed = parseRiskCommand(text);
  try {
    if (parsed.kind === 'help') return { message: riskUsage() };
    if (parsed.kind === 'invalid') return { message: `${parsed.message}\n\n${riskUsage()}` };
    if ((await findMemberships(deps.db, identity)).length === 0) return { message: NOT_IN_DIRECTORY };
    switch (parsed.kind) {
      case 'list':
        return { message: await listRisks(deps.db, identity) };
      case 'update':
        return {
          message: await updateRisk(deps, {
            actor: identity,
            riskId: parsed.riskId,
            changes: parsed.changes,
          }),
        };
      case 'close':
        return {
          message: await closeRisk(deps, { actor: identity, riskId: parsed.riskId, note: parsed.note }),
        };
      case 'add':
        return await formFor(deps, actor, parsed.title ? { title: parsed.title } : {});
    }
  } catch (error) {
    return { message: explain(error, deps) };
  }
}

/** The add form offering the person's relationships and their people, the person as owner by default. */
async function formFor(
  deps: CommandDeps,
  actor: TeamsActor,
  values: RiskFormValues,
  error?: { field: string; message: string },
): Promise<Answer> {
  const choices = await riskFormChoices(deps.db, actor.identity, actor.channel);
  if (!choices) return { message: NOT_IN_DIRECTORY };
  const several = choices.relationships.length > 1;
  const names = new Map(choices.relationships.map((r) => [r.id, r.name]));
  const first = choices.relationships[0];
  return {
    card: addRiskCard({
      values: { ...(first ? { owner: `${first.id}/${first.personId}` } : {}), ...values },
      error,
      relationships: choices.relationships.map((r) => ({ value: r.id, label: r.name })),
      people: choices.people.map((p) => ({
        value: `${p.relationshipId}/${p.personId}`,
        label: several ? `${p.name} (${names.get(p.relationshipId)})` : p.name,
      })),
    }),
  };
}

/** A click on the add form's button: the risk is added, or the form comes back with the problem shown. */
export async function answerRiskAction(
  deps: CommandDeps,
  actor: TeamsActor,
  verb: string,
  data: Record<string, unknown>,
): Promise<Answer> {
  if (verb !== ADD_RISK_VERB) return { message: NOT_OURS };
  const { values, relationshipId } = readAddRiskCard(data);
  const reopen = (problem: FormProblem) => formFor(deps, actor, values, problem);
  return answerForm(deps, actor, { relationshipId, reopen, problemOf }, async (membership) => {
    const [ownerRelationship, ...ownerId] = (values.owner ?? '').split('/');
    if (values.owner && ownerRelationship !== membership.relationshipId) {
      return {
        problem: { field: 'owner', message: 'Choose an owner from the relationship the risk belongs to.' },
      };
    }
    const added = await addRisk(deps, {
      relationshipId: membership.relationshipId,
      raisedBy: membership.personId,
      title: values.title ?? '',
      likelihood: values.likelihood,
      impact: values.impact,
      ...(values.owner ? { owner: { personId: ownerId.join('/') } } : {}),
      mitigation: values.mitigation,
      reviewDate: values.reviewDate,
    });
    return {
      card: confirmationCard(`${added.reference}: ${added.risk.title}`, added.confirmation),
    };
  });
}

const problemOf = (error: unknown): FormProblem | undefined =>
  error instanceof RiskError ? { field: error.field ?? 'title', message: error.message } : undefined;
