import { findMemberships, type PlatformIdentity } from '../../workflows/core/directory';
import {
  addRisk,
  closeRisk,
  listRisks,
  RiskError,
  type RiskFormChoices,
  riskFormChoices,
  updateRisk,
} from '../../workflows/risks/index';
import { type CommandDeps, explain, notInDirectory } from '../commands/command-deps';
import { parseRiskCommand, riskHelp } from '../commands/risk-command';
import { escapeMrkdwn } from './slack-escape';
import { ADD_RISK_VIEW, addRiskView, FIELD, personOption, readAddRiskForm } from './slack-risk-form';
import type { SlackRoutes } from './slack-routes';

const NOT_IN_DIRECTORY = notInDirectory('Slack user');

const private_ = (text: string) => ({ response_type: 'ephemeral' as const, text: escapeMrkdwn(text) });
const identity = (userId: string): PlatformIdentity => ({ platform: 'slack', userId });

/** `/risk` and its add form. */
export function registerSlackRisks(routes: SlackRoutes, deps: CommandDeps) {
  routes.command('/risk', async ({ command, ack, client }) => {
    const actor = identity(command.user_id);
    const parsed = parseRiskCommand(command.text);
    try {
      if (parsed.kind === 'help') return await ack(private_(riskHelp('/risk')));
      if (parsed.kind === 'invalid') return await ack(private_(`${parsed.message}\n\n${riskHelp('/risk')}`));
      if ((await findMemberships(deps.db, actor)).length === 0) return await ack(private_(NOT_IN_DIRECTORY));
      switch (parsed.kind) {
        case 'list':
          return await ack(private_(await listRisks(deps.db, actor)));
        case 'update':
          return await ack(
            private_(await updateRisk(deps, { actor, riskId: parsed.riskId, changes: parsed.changes })),
          );
        case 'close':
          return await ack(
            private_(await closeRisk(deps, { actor, riskId: parsed.riskId, note: parsed.note })),
          );
        case 'add': {
          const choices = await riskFormChoices(deps.db, actor, command.channel_id);
          if (!choices) return await ack(private_(NOT_IN_DIRECTORY));
          // Slack gives 3 s to answer and the trigger id expires with them: acknowledge, then open.
          await ack();
          await client.views.open({ trigger_id: command.trigger_id, view: viewFor(choices, parsed.title) });
          return;
        }
      }
    } catch (error) {
      await ack(private_(explain(error, deps)));
    }
  });

  routes.view(ADD_RISK_VIEW, async ({ ack, body, view, client }) => {
    const form = readAddRiskForm(view.state.values as Parameters<typeof readAddRiskForm>[0]);
    const offered =
      (JSON.parse(view.private_metadata || '{}') as { relationships?: string[] }).relationships ?? [];
    const relationshipId = form.relationshipId ?? offered[0];
    const memberships = await findMemberships(deps.db, identity(body.user.id));
    const membership = memberships.find((m) => m.relationshipId === relationshipId);
    if (!membership) {
      return ack({ response_action: 'errors', errors: { [FIELD.title]: NOT_IN_DIRECTORY } });
    }
    if (form.owner && form.owner.relationshipId !== membership.relationshipId) {
      return ack({
        response_action: 'errors',
        errors: { [FIELD.owner]: 'Choose an owner from the relationship the risk belongs to.' },
      });
    }
    try {
      const added = await addRisk(deps, {
        relationshipId: membership.relationshipId,
        raisedBy: membership.personId,
        title: form.title,
        likelihood: form.likelihood,
        impact: form.impact,
        ...(form.owner ? { owner: { personId: form.owner.personId } } : {}),
        mitigation: form.mitigation,
        reviewDate: form.reviewDate,
      });
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: escapeMrkdwn(added.confirmation) });
    } catch (error) {
      const field = error instanceof RiskError && error.field && error.field in FIELD ? error.field : 'title';
      await ack({ response_action: 'errors', errors: { [field]: explain(error, deps) } });
    }
  });
}

function viewFor(choices: RiskFormChoices, title: string | undefined) {
  const several = choices.relationships.length > 1;
  const names = new Map(choices.relationships.map((r) => [r.id, r.name]));
  const first = choices.relationships[0];
  return addRiskView({
    title,
    relationships: choices.relationships.map((r) => ({ value: r.id, label: r.name })),
    people: choices.people.map((p) => ({
      value: personOption(p.relationshipId, p.personId),
      label: several ? `${p.name} (${names.get(p.relationshipId)})` : p.name,
    })),
    ...(first ? { owner: personOption(first.id, first.personId) } : {}),
  });
}
