import type { BlockAction, ButtonAction } from '@slack/bolt';
import { chooseRelationship, findMemberships, type PlatformIdentity } from '../../workflows/core/directory';
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
import { type CommandDeps, explain, notInDirectory } from '../commands/command-deps';
import { goalHelp, parseGoalCommand } from '../commands/goal-command';
import { escapeMrkdwn } from './slack-escape';
import { FIELD, PROPOSE_VIEW, proposeGoalView, readProposeForm } from './slack-goal-form';
import { noticeToSlack } from './slack-render';
import type { SlackRoutes } from './slack-routes';

const NOT_IN_DIRECTORY = notInDirectory('Slack user');
const HELP = goalHelp('/goal');

const private_ = (text: string) => ({ response_type: 'ephemeral' as const, text: escapeMrkdwn(text) });
const identity = (userId: string): PlatformIdentity => ({ platform: 'slack', userId });

const DECISIONS: Record<string, GoalDecision> = {
  [GOAL_ACTIONS.agree]: 'agree',
  [GOAL_ACTIONS.reject]: 'reject',
  [GOAL_ACTIONS.change]: 'change',
};

/** `/goal`, its propose form, and the Agree / Reject / Propose change buttons. */
export function registerSlackGoals(routes: SlackRoutes, deps: CommandDeps) {
  routes.command('/goal', async ({ command, ack, client }) => {
    const actor = identity(command.user_id);
    const parsed = parseGoalCommand(command.text);
    try {
      switch (parsed.kind) {
        case 'help':
          return await ack(private_(HELP));
        case 'invalid':
          return await ack(private_(`${parsed.message}\n\n${HELP}`));
        case 'list':
          return await ack(private_(await listGoals(deps.db, actor)));
        case 'achieved':
        case 'drop':
          return await ack(
            private_(
              await closeGoal(deps, {
                actor,
                reference: parsed.goal,
                status: parsed.kind === 'achieved' ? 'achieved' : 'dropped',
                ...(parsed.kind === 'drop' ? { reason: parsed.reason } : {}),
              }),
            ),
          );
        case 'form':
        case 'propose': {
          const choice = await chooseRelationship(deps.db, actor, command.channel_id);
          if (choice.kind === 'none') return await ack(private_(NOT_IN_DIRECTORY));
          if (parsed.kind === 'propose' && choice.kind === 'one') {
            const proposed = await proposeGoal(deps, {
              relationshipId: choice.relationshipId,
              proposedBy: choice.personId,
              title: parsed.title,
            });
            return await ack(private_(proposed.confirmation));
          }
          // Slack gives 3 s to answer and the trigger id expires with them: acknowledge, then open.
          await ack();
          const options =
            choice.kind === 'one' ? [{ ...choice, name: choice.relationshipId }] : choice.options;
          await client.views.open({
            trigger_id: command.trigger_id,
            view: proposeGoalView({
              title: parsed.kind === 'propose' ? parsed.title : undefined,
              relationships: options.map((o) => ({ value: o.relationshipId, label: o.name })),
            }),
          });
          return;
        }
      }
    } catch (error) {
      await ack(private_(explain(error, deps)));
    }
  });

  routes.view(PROPOSE_VIEW, async ({ ack, body, view }) => {
    const form = readProposeForm(view.state.values as Parameters<typeof readProposeForm>[0]);
    const offered =
      (JSON.parse(view.private_metadata || '{}') as { relationships?: string[] }).relationships ?? [];
    const memberships = await findMemberships(deps.db, identity(body.user.id));
    const relationshipId = form.relationshipId ?? offered[0];
    const membership = memberships.find((m) => m.relationshipId === relationshipId);
    if (!membership) {
      return ack({ response_action: 'errors', errors: { [FIELD.title]: NOT_IN_DIRECTORY } });
    }
    try {
      await proposeGoal(deps, {
        relationshipId: membership.relationshipId,
        proposedBy: membership.personId,
        title: form.title,
        description: form.description,
        measure: form.measure,
        targetDate: form.targetDate,
        confirmByMessage: true,
      });
      await ack();
    } catch (error) {
      const field =
        error instanceof GoalError && error.field && error.field in FIELD ? error.field : FIELD.title;
      await ack({ response_action: 'errors', errors: { [field]: explain(error, deps) } });
    }
  });

  routes.action<BlockAction<ButtonAction>>(
    /^goal\.(agree|reject|change)$/,
    async ({ ack, body, action, client }) => {
      await ack();
      const target = parseActionValue(action.value ?? '');
      const decision = DECISIONS[action.action_id];
      const channel = body.channel?.id ?? body.container?.channel_id;
      const reply = (text: string) =>
        channel
          ? client.chat.postEphemeral({ channel, user: body.user.id, text: escapeMrkdwn(text) })
          : undefined;
      if (!target || !decision)
        return void (await reply('That button is not from Accord, or it is too old to read.'));
      const values = (body.state?.values ?? {}) as Record<string, Record<string, { value?: string | null }>>;
      try {
        const result = await answerGoal(deps, {
          ...target,
          decision,
          actor: identity(body.user.id),
          note: values.reason?.reason?.value ?? undefined,
        });
        if (channel && body.message?.ts && result.current) {
          await client.chat.update({ channel, ts: body.message.ts, ...noticeToSlack(result.current) });
        }
        await reply(result.message);
      } catch (error) {
        await reply(explain(error, deps));
      }
    },
  );
}
