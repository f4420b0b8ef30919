import {
  type Activity,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import { desc } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { teamsConversations } from '../../db/schema/teams';
import type { Notice } from '../../workflows/core/notice';
import { DeliveryError } from '../../workflows/core/ports';
import { conversationKey, findConversation, personalKey, storeConversation } from './teams-conversations';
import { noticeToAdaptiveCard } from './teams-render';

export type TeamsTarget = { aadObjectId: string } | { conversationId: string };

export type TeamsSender = {
  send: (target: TeamsTarget, notice: Notice) => Promise<{ messageId: string }>;
  /** A plain-text answer, at once, outside the outbox: the person is waiting for it. */
  sendText: (target: TeamsTarget, text: string) => Promise<void>;
  update: (target: TeamsTarget, messageId: string, notice: Notice) => Promise<void>;
};

const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

/**
 * Proactive messages through the Bot Connector. A person the bot has not talked to yet gets a new
 * 1:1 conversation, created on the service and tenant the bot last heard from.
 */
export function createTeamsSender(
  adapter: CloudAdapter,
  db: Database,
  appId: string | undefined,
): TeamsSender {
  const botAppId = appId ?? '';

  async function referenceFor(target: TeamsTarget): Promise<Partial<ConversationReference>> {
    const key =
      'aadObjectId' in target ? personalKey(target.aadObjectId) : conversationKey(target.conversationId);
    const found = await findConversation(db, key);
    if (found) return found;
    if ('aadObjectId' in target) return createPersonalConversation(target.aadObjectId);
    throw new DeliveryError('the bot is not in this Teams channel (no conversation reference yet)', true);
  }

  async function createPersonalConversation(aadObjectId: string): Promise<Partial<ConversationReference>> {
    const [known] = await db
      .select()
      .from(teamsConversations)
      .orderBy(desc(teamsConversations.updatedAt))
      .limit(1);
    const sample = known?.reference as
      | (ConversationReference & { conversation: { tenantId?: string } })
      | undefined;
    if (!sample) {
      throw new DeliveryError(
        'the bot is not installed for this Teams user, and has not heard from Teams yet to create a chat',
        true,
      );
    }
    const parameters = {
      isGroup: false,
      bot: sample.bot,
      members: [{ id: aadObjectId, name: '' }],
      tenantId: sample.conversation.tenantId,
      channelData: { tenant: { id: sample.conversation.tenantId } },
    } as unknown as ConversationParameters;
    let created: Partial<ConversationReference> | undefined;
    await call(() =>
      adapter.createConversationAsync(
        botAppId,
        'msteams',
        sample.serviceUrl,
        BOT_FRAMEWORK_AUDIENCE,
        parameters,
        async (context) => {
          created = TurnContext.getConversationReference(context.activity);
        },
      ),
    );
    if (!created) throw new DeliveryError('Teams did not return the new conversation', false);
    await storeConversation(db, personalKey(aadObjectId), created as ConversationReference);
    return created;
  }

  /** Runs `turn` in the target's conversation, as a proactive turn of the bot. */
  async function inConversation(
    target: TeamsTarget,
    turn: (context: TurnContext, reference: Partial<ConversationReference>) => Promise<void>,
  ) {
    const reference = await referenceFor(target);
    await call(() =>
      adapter.continueConversationAsync(botAppId, reference, (context) => turn(context, reference)),
    );
  }

  return {
    send: async (target, notice) => {
      let messageId = '';
      await inConversation(target, async (context) => {
        const response = await context.sendActivity({ attachments: [noticeToAdaptiveCard(notice)] });
        messageId = response?.id ?? '';
      });
      return { messageId };
    },
    sendText: (target, text) =>
      inConversation(target, async (context) => {
        await context.sendActivity({ type: 'message', text, textFormat: 'plain' });
      }),
    update: (target, messageId, notice) =>
      inConversation(target, async (context, reference) => {
        const activity: Partial<Activity> = {
          type: 'message',
          id: messageId,
          conversation: reference.conversation,
          attachments: [noticeToAdaptiveCard(notice)],
        };
        await context.updateActivity(activity);
      }),
  };
}

async function call(operation: () => Promise<void>): Promise<void> {
  try {
    await operation();
  } catch (error) {
    throw error instanceof DeliveryError ? error : toDeliveryError(error);
  }
}

function toDeliveryError(error: unknown): DeliveryError {
  const e = error as {
    statusCode?: number;
    message?: string;
    response?: { headers?: { get?: (name: string) => string | undefined } };
  };
  const status = e.statusCode;
  if (status === 429) {
    const retryAfter = Number(e.response?.headers?.get?.('retry-after'));
    return new DeliveryError(
      'Teams rate limited the call',
      false,
      (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000,
    );
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return new DeliveryError(`Teams refused the message: HTTP ${status}`, true);
  }
  return new DeliveryError(`Teams could not be reached: ${e.message ?? String(error)}`, false);
}
