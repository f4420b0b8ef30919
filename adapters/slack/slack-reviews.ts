import type { BlockAction, ButtonAction } from '@slack/bolt';
import { chooseRelationship, findMemberships, type PlatformIdentity } from '../../workflows/core/directory';
import {
  addAgendaItem,
  callOffNext,
  loadOccurrence,
  meetingAwaitingMinutes,
  nextAgenda,
  nextReviews,
  parseSchedulePhrase,
  REVIEW_ACTIONS,
  ReviewInputError,
  recordMinutes,
  recordRsvp,
  SCHEDULE_FORMS,
  scheduleReview,
} from '../../workflows/reviews/index';
import { type CommandDeps, explain, notInDirectory } from '../commands/command-deps';
import { parseReviewCommand, reviewHelp } from '../commands/review-command';
import { escapeMrkdwn } from './slack-escape';
import { AGENDA_VIEW, agendaItemView, MINUTES_VIEW, minutesView, readText } from './slack-review-forms';
import type { SlackRoutes } from './slack-routes';

const private_ = (text: string) => ({ response_type: 'ephemeral' as const, text: escapeMrkdwn(text) });
const identity = (userId: string): PlatformIdentity => ({ platform: 'slack', userId });

/** `/review`, the reminder buttons (Attend, Can't attend, Add agenda item) and the minutes form. */
export function registerSlackReviews(routes: SlackRoutes, deps: CommandDeps) {
  routes.command('/review', async ({ command, ack, client }) => {
    const actor = identity(command.user_id);
    const parsed = parseReviewCommand(command.text);
    try {
      const needsDirectory = parsed.kind === 'next' || parsed.kind === 'agenda' || parsed.kind === 'minutes';
      if (needsDirectory && (await findMemberships(deps.db, actor)).length === 0) {
        return await ack(private_(notInDirectory('Slack user')));
      }
      switch (parsed.kind) {
        case 'help':
          return await ack(private_(reviewHelp('/review', SCHEDULE_FORMS)));
        case 'invalid':
          return await ack(private_(`${parsed.message}\n\n${reviewHelp('/review', SCHEDULE_FORMS)}`));
        case 'next':
          return await ack(private_(await nextReviews(deps.db, deps.clock, actor)));
        case 'agenda':
          return await ack(private_(await nextAgenda(deps.db, deps.clock, actor)));
        case 'minutes': {
          const meeting = await meetingAwaitingMinutes(deps.db, deps.clock, actor);
          if (!meeting) return await ack(private_('No meeting you organise is waiting for its minutes.'));
          await ack();
          await client.views.open({
            trigger_id: command.trigger_id,
            view: minutesView(
              meeting.occurrence.id,
              `${meeting.series.title} (${meeting.directory.relationship.name})`,
            ),
          });
          return;
        }
        case 'schedule':
        case 'cancel':
        case 'skip': {
          const choice = await chooseRelationship(deps.db, actor, command.channel_id);
          if (choice.kind === 'none') return await ack(private_(notInDirectory('Slack user')));
          if (choice.kind === 'several') {
            return await ack(
              private_(
                'You belong to several relationships: type this in the governance channel of the one you mean.',
              ),
            );
          }
          if (parsed.kind === 'schedule') {
            const phrase = parseSchedulePhrase(parsed.phrase);
            if (!phrase.ok) return await ack(private_(phrase.message));
            return await ack(
              private_(
                await scheduleReview(deps, {
                  relationshipId: choice.relationshipId,
                  personId: choice.personId,
                  title: phrase.title,
                  schedule: phrase.schedule,
                }),
              ),
            );
          }
          return await ack(
            private_(
              await callOffNext(deps, {
                actor,
                relationshipId: choice.relationshipId,
                personId: choice.personId,
                ...(parsed.seriesId ? { seriesId: parsed.seriesId } : {}),
                how: parsed.kind === 'cancel' ? 'cancelled' : 'skipped',
              }),
            ),
          );
        }
      }
    } catch (error) {
      await ack(private_(explain(error, deps)));
    }
  });

  routes.action<BlockAction<ButtonAction>>(
    /^review\.(attend|decline|agenda|minutes)$/,
    async ({ ack, body, action, client }) => {
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      const reply = (text: string) =>
        channel
          ? client.chat.postEphemeral({ channel, user: body.user.id, text: escapeMrkdwn(text) })
          : undefined;
      const occurrenceId = Number(action.value);
      try {
        if (action.action_id === REVIEW_ACTIONS.attend || action.action_id === REVIEW_ACTIONS.decline) {
          const response = action.action_id === REVIEW_ACTIONS.attend ? 'yes' : 'no';
          return void (await reply(
            await recordRsvp(deps, { actor: identity(body.user.id), occurrenceId, response }),
          ));
        }
        const meeting = await loadOccurrence(deps.db, occurrenceId);
        if (!meeting) return void (await reply('That meeting no longer exists.'));
        const view =
          action.action_id === REVIEW_ACTIONS.addItem
            ? agendaItemView(occurrenceId)
            : minutesView(occurrenceId, `${meeting.series.title} (${meeting.directory.relationship.name})`);
        await client.views.open({ trigger_id: body.trigger_id, view });
      } catch (error) {
        await reply(explain(error, deps));
      }
    },
  );

  routes.view(AGENDA_VIEW, async ({ ack, body, view, client }) => {
    const values = view.state.values as Parameters<typeof readText>[0];
    try {
      const message = await addAgendaItem(deps, {
        actor: identity(body.user.id),
        occurrenceId: Number(view.private_metadata),
        title: readText(values, 'title') ?? '',
        description: readText(values, 'description'),
      });
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: escapeMrkdwn(message) });
    } catch (error) {
      await ack({ response_action: 'errors', errors: { [fieldOf(error, 'title')]: explain(error, deps) } });
    }
  });

  routes.view(MINUTES_VIEW, async ({ ack, body, view, client }) => {
    const values = view.state.values as Parameters<typeof readText>[0];
    try {
      const message = await recordMinutes(deps, {
        actor: identity(body.user.id),
        occurrenceId: Number(view.private_metadata),
        notes: readText(values, 'notes'),
        decisions: readText(values, 'decisions'),
        actionItems: readText(values, 'actionItems'),
      });
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: escapeMrkdwn(message) });
    } catch (error) {
      await ack({ response_action: 'errors', errors: { [fieldOf(error, 'notes')]: explain(error, deps) } });
    }
  });
}

/** The form field a refusal is about, so Slack shows it under that field. */
const fieldOf = (error: unknown, fallback: string) =>
  error instanceof ReviewInputError ? error.field : fallback;
