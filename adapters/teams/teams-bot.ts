import { ActivityHandler, type InvokeResponse, TurnContext } from 'botbuilder';
import type { CommandDeps } from '../commands/command-deps';
import { type Answer, NOT_OURS, type TeamsActor } from './teams-answers';
import { isPersonalChat, rememberConversation } from './teams-conversations';
import { answerCardAction, answerEscalateCommand, escalateUsage } from './teams-escalations';
import { answerGoalAction, answerGoalCommand, goalUsage, isGoalVerb } from './teams-goals';
import { answerIssueAction, answerIssueCommand, isIssueVerb, issueUsage } from './teams-issues';
import { mentionResolver } from './teams-mentions';
import { answerReviewAction, answerReviewCommand, isReviewVerb, reviewUsage } from './teams-reviews';
import { answerRiskAction, answerRiskCommand, isRiskVerb, riskUsage } from './teams-risks';

const HELP =
  'Accord runs the governance of your outsourcing relationship: escalations, review meetings, ' +
  'the issue list, goals and risks. Your administrator describes the relationship in its governance file.';

const CARD_ACTION = 'adaptiveCard/action';

type CardAction = { verb: string; data: Record<string, unknown> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An Action.Execute invoke carries `{ action: { verb, data } }`, with the card's inputs in data. */
function executedAction(value: unknown): CardAction | undefined {
  const action = isRecord(value) && isRecord(value.action) ? value.action : undefined;
  if (!action) return undefined;
  const data = isRecord(action.data) ? action.data : {};
  const verb = typeof action.verb === 'string' ? action.verb : data.action;
  return typeof verb === 'string' ? { verb, data } : undefined;
}

/** The Action.Submit fallback arrives as a message whose value is the data, inputs merged in. */
function submittedAction(value: unknown): CardAction | undefined {
  return isRecord(value) && typeof value.action === 'string'
    ? { verb: value.action, data: value }
    : undefined;
}

function actorOf(context: TurnContext): TeamsActor {
  const { activity } = context;
  const channelData = activity.channelData as { channel?: { id?: string } } | undefined;
  // In a channel the conversation id names the thread (`19:...@thread.tacv2;messageid=...`); the
  // governance file names the channel itself.
  const channel = channelData?.channel?.id ?? activity.conversation.id.split(';')[0] ?? '';
  return {
    identity: { platform: 'teams', aadObjectId: activity.from.aadObjectId ?? '' },
    channel,
    mentioned: mentionResolver(context),
  };
}

const CANNOT_ANSWER_PRIVATELY =
  'I could not answer you in a private chat. Open a chat with Accord and ask there.';

const say = (context: TurnContext, text: string) =>
  context.sendActivity({ type: 'message', text, textFormat: 'plain' });

const answerAction = (deps: CommandDeps, actor: TeamsActor, action: CardAction): Promise<Answer> =>
  isReviewVerb(action.verb)
    ? answerReviewAction(deps, actor, action.verb, action.data)
    : isIssueVerb(action.verb)
      ? answerIssueAction(deps, actor, action.verb, action.data)
      : isRiskVerb(action.verb)
        ? answerRiskAction(deps, actor, action.verb, action.data)
        : isGoalVerb(action.verb)
          ? answerGoalAction(deps, actor, action.verb, action.data)
          : answerCardAction(deps, actor, action.verb, action.data);

/** Each command's keyword, as typed first in a message, and what answers it. */
const COMMANDS = [
  ['escalate', answerEscalateCommand],
  ['review', answerReviewCommand],
  ['issue', answerIssueCommand],
  ['risk', answerRiskCommand],
  ['goal', answerGoalCommand],
] as const;

/** The command a message types, if any, with the text after its keyword. */
function commandOf(text: string) {
  for (const [keyword, answer] of COMMANDS) {
    const match = new RegExp(`^${keyword}(?:\\s+|$)`, 'i').exec(text);
    if (match) return { answer, args: text.slice(match[0].length) };
  }
  return undefined;
}

/**
 * The Teams side of the bot. Every activity that shows where a person or channel can be reached
 * (install, conversation update, message) stores its conversation reference for proactive messages.
 * Card clicks come as Action.Execute invokes, or as messages from clients that only know Action.Submit.
 */
export class TeamsBot extends ActivityHandler {
  constructor(
    private readonly deps: CommandDeps,
    /** Says something to a person in their 1:1 chat with the bot, creating it if needed. */
    private readonly privately: (aadObjectId: string, text: string) => Promise<void>,
  ) {
    super();
    this.onInstallationUpdate(async (context, next) => {
      await rememberConversation(this.deps.db, context);
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await rememberConversation(this.deps.db, context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await rememberConversation(this.deps.db, context);
      await this.answerMessage(context);
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== CARD_ACTION) return super.onInvokeActivity(context);
    const action = executedAction(context.activity.value);
    const answer: Answer = action
      ? await answerAction(this.deps, actorOf(context), action)
      : { message: NOT_OURS };
    if (answer.message) await this.answerPerson(context, answer.message);
    // Teams replaces the clicked card with a card response; a message response shows as a toast.
    const body = answer.card
      ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: answer.card.content }
      : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.message ?? '' };
    return { status: 200, body };
  }

  private async answerMessage(context: TurnContext) {
    const activity = context.activity;
    const submitted = submittedAction(activity.value);
    if (submitted) {
      const answer = await answerAction(this.deps, actorOf(context), submitted);
      if (answer.card && activity.replyToId) {
        await context.updateActivity({ id: activity.replyToId, type: 'message', attachments: [answer.card] });
      } else if (answer.card) {
        await context.sendActivity({ type: 'message', attachments: [answer.card] });
      }
      if (answer.message) await this.answerPerson(context, answer.message);
      return;
    }
    // In channels Teams puts `<at>Accord</at>` before the text; the command starts after it.
    const text = (TurnContext.removeRecipientMention(activity) ?? '').trim();
    const command = commandOf(text);
    if (!command) {
      await this.answerPerson(
        context,
        `${HELP}\n\n${escalateUsage()}\n\n${reviewUsage()}\n\n${issueUsage()}\n\n${goalUsage()}\n\n${riskUsage()}`,
      );
      return;
    }
    const answer = await command.answer(this.deps, actorOf(context), command.args);
    if (answer.card) await context.sendActivity({ type: 'message', attachments: [answer.card] });
    if (answer.message) await this.answerPerson(context, answer.message);
  }

  /**
   * Answers the person who typed or clicked: in place in their 1:1 chat with the bot; from a channel
   * or a group chat, in that 1:1 chat, since Teams has no message that only one member of a
   * conversation sees (Slack's ephemeral) and an answer (their escalations, a refusal) is theirs.
   */
  private async answerPerson(context: TurnContext, text: string) {
    const { activity } = context;
    if (isPersonalChat(activity)) {
      await say(context, text);
      return;
    }
    try {
      if (!activity.from.aadObjectId) throw new Error('Teams did not say who this is');
      await this.privately(activity.from.aadObjectId, text);
    } catch {
      await say(context, CANNOT_ANSWER_PRIVATELY);
    }
  }
}
