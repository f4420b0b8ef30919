import type { BlockAction, ButtonAction } from '@slack/bolt';
import {
  activeGoals,
  chooseRelationship,
  findMemberships,
  type PlatformIdentity,
  type RelationshipChoice,
} from '../../workflows/core/directory';
import {
  type Decision,
  decideEscalation,
  EscalationError,
  listEscalations,
  parseActionValue,
  raiseEscalation,
  raiseEscalationAs,
  resolveEscalation,
  setAway,
  setBack,
  showEscalation,
} from '../../workflows/escalations/index';
import { type CommandDeps, explain, notInDirectory } from '../commands/command-deps';
import { escalateHelp, NAME_ONE_DELEGATE, parseEscalateCommand } from '../commands/escalate-command';
import { FIELD, RAISE_VIEW, raiseEscalationView, readRaiseForm } from './slack-escalation-form';
import { escapeMrkdwn } from './slack-escape';
import { noticeToSlack } from './slack-render';
import type { SlackRoutes } from './slack-routes';

const NOT_IN_DIRECTORY = notInDirectory('Slack user');

const private_ = (text: string) => ({ response_type: 'ephemeral' as const, text: escapeMrkdwn(text) });

/** `/escalate`, its form, and the Approve / Reject / Escalate now buttons. */
export function registerSlackEscalations(routes: SlackRoutes, deps: CommandDeps) {
  routes.command('/escalate', async ({ command, ack, client }) => {
    const actor: PlatformIdentity = { platform: 'slack', userId: command.user_id };
    const parsed = parseEscalateCommand(command.text);
    try {
      switch (parsed.kind) {
        case 'help':
          return await ack(private_(escalateHelp('/escalate')));
        case 'invalid':
          return await ack(private_(`${parsed.message}\n\n${escalateHelp('/escalate')}`));
        case 'list':
          return await ack(private_(await listEscalations(deps.db, deps.clock, actor)));
        case 'show':
          return await ack(private_(await showEscalation(deps.db, actor, parsed.escalationId)));
        case 'resolve':
          return await ack(
            private_(
              await resolveEscalation(deps, { actor, escalationId: parsed.escalationId, note: parsed.note }),
            ),
          );
        case 'away': {
          const delegate = parsed.delegate;
          // Only Teams writes mentions as <at>Name</at>; Slack escapes a typed `<`.
          if (delegate && 'teamsMention' in delegate) return await ack(private_(NAME_ONE_DELEGATE));
          return await ack(
            private_(await setAway(deps, { actor, until: parsed.until, ...(delegate ? { delegate } : {}) })),
          );
        }
        case 'back':
          return await ack(private_(await setBack(deps, { actor })));
        case 'form':
        case 'raise': {
          let choice: RelationshipChoice;
          if (parsed.kind === 'raise') {
            const raised = await raiseEscalationAs(deps, actor, command.channel_id, { title: parsed.title });
            if (raised.kind === 'raised') return await ack(private_(raised.confirmation));
            choice = raised.choice;
          } else choice = await chooseRelationship(deps.db, actor, command.channel_id);
          if (choice.kind === 'none') return await ack(private_(NOT_IN_DIRECTORY));
          // Slack gives 3 s to answer and the trigger id expires with them: acknowledge, then open.
          await ack();
          const options = choice.kind === 'one' ? [choice] : choice.options;
          const goals = await activeGoals(
            deps.db,
            options.map((o) => o.relationshipId),
          );
          await client.views.open({
            trigger_id: command.trigger_id,
            view: raiseEscalationView({
              title: parsed.kind === 'raise' ? parsed.title : undefined,
              channelId: command.channel_id,
              relationships: options.map((o) => ({
                value: o.relationshipId,
                label: 'name' in o ? o.name : o.relationshipId,
              })),
              goals: goals.map((goal) => ({
                value: `${goal.relationshipId}/${goal.id}`,
                label: options.length > 1 ? `${goal.title} (${goal.relationshipId})` : goal.title,
              })),
            }),
          });
          return;
        }
      }
    } catch (error) {
      await ack(private_(explain(error, deps)));
    }
  });

  routes.view(RAISE_VIEW, async ({ ack, body, view }) => {
    const actor: PlatformIdentity = { platform: 'slack', userId: body.user.id };
    const form = readRaiseForm(view.state.values as Parameters<typeof readRaiseForm>[0]);
    const offered =
      (JSON.parse(view.private_metadata || '{}') as { relationships?: string[] }).relationships ?? [];
    const memberships = await findMemberships(deps.db, actor);
    const relationshipId = form.relationshipId ?? offered[0];
    const membership = memberships.find((m) => m.relationshipId === relationshipId);
    if (!membership) {
      return ack({ response_action: 'errors', errors: { [FIELD.title]: NOT_IN_DIRECTORY } });
    }
    if (form.goal && form.goal.relationshipId !== membership.relationshipId) {
      return ack({
        response_action: 'errors',
        errors: { [FIELD.goal]: 'That goal belongs to another relationship.' },
      });
    }
    try {
      await raiseEscalation(deps, {
        relationshipId: membership.relationshipId,
        raisedBy: membership.personId,
        title: form.title,
        description: form.description,
        severity: form.severity as 'medium' | undefined,
        goalId: form.goal?.goalId,
      });
      await ack();
    } catch (error) {
      const field = error instanceof EscalationError && error.field ? error.field : FIELD.title;
      const block = field === 'goalId' ? FIELD.goal : field in FIELD ? field : FIELD.title;
      await ack({ response_action: 'errors', errors: { [block]: explain(error, deps) } });
    }
  });

  routes.action<BlockAction<ButtonAction>>(
    /^escalation\.(approve|reject|escalate)$/,
    async ({ ack, body, action, client }) => {
      await ack();
      const target = parseActionValue(action.value ?? '');
      const channel = body.channel?.id ?? body.container?.channel_id;
      const reply = (text: string) =>
        channel
          ? client.chat.postEphemeral({ channel, user: body.user.id, text: escapeMrkdwn(text) })
          : undefined;
      if (!target) return void (await reply('That button is not from Accord, or it is too old to read.'));
      const decision = action.action_id.split('.')[1] as Decision;
      const values = (body.state?.values ?? {}) as Record<string, Record<string, { value?: string | null }>>;
      try {
        const result = await decideEscalation(deps, {
          escalationId: target.escalationId,
          shownLevel: target.level,
          decision,
          actor: { platform: 'slack', userId: body.user.id },
          reason: values.reason?.reason?.value ?? undefined,
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
