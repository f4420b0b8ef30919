import {
  type Activity,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { desc } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { teamsConversations } from '../../db/schema/teams';
import type { Notice } from '../../workflows/core/notice';
import { DeliveryError } from '../../workflows/core/ports';
import type { ConnectorFor, TeamsBot } from './teams-adapter';
import { conversationFinder, conversationKey, personalKey, storeConversation } from './teams-conversations';
import { noticeToAdaptiveCard } from './teams-render';

export type TeamsTarget = { aadObjectId: string } | { conversationId: string };

export type TeamsSender = {
  send: (target: TeamsTarget, notice: Notice) => Promise<{ messageId: string }>;
  /** A plain-text answer, at once, outside the outbox: the person is waiting for it. */
  sendText: (target: TeamsTarget, text: string) => Promise<void>;
  update: (target: TeamsTarget, messageId: string, notice: Notice) => Promise<void>;
};

/**
 * A send that has no answer by then is given up and retried: the outbox's claim on it lasts a minute,
 * and a call still running past that could send the message a second time.
 */
const SEND_TIMEOUT_MS = 10_000;

/**
 * Proactive messages through the Bot Connector. A person the bot has not talked to yet gets a new
 * 1:1 conversation, created on the service and tenant the bot last heard from.
 */
export function createTeamsSender(
  bot: TeamsBot,
  db: Database,
  options: { timeoutMs?: number } = {},
): TeamsSender {
  const { connectorFor } = bot;
  const timeout = options.timeoutMs ?? SEND_TIMEOUT_MS;
  const findConversation = conversationFinder(db);

  async function referenceFor(target: TeamsTarget): Promise<Partial<ConversationReference>> {
    const key =
      'aadObjectId' in target ? personalKey(target.aadObjectId) : conversationKey(target.conversationId);
    const found = await findConversation(key);
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
    // Created on the kept client, with the send timeout: botbuilder's createConversationAsync builds a
    // client of its own, with the pipeline's retries and none. The reference is the one it would make.
    const result = await call(async () =>
      (await connectorOf(sample, connectorFor)).conversations.createConversation(parameters, { timeout }),
    );
    if (!result?.id) throw new DeliveryError('Teams did not return the new conversation', false);
    const created = {
      channelId: 'msteams',
      serviceUrl: sample.serviceUrl,
      bot: parameters.bot,
      conversation: { id: result.id, isGroup: false, tenantId: parameters.tenantId },
    } as ConversationReference;
    await storeConversation(db, personalKey(aadObjectId), created);
    return created;
  }

  /**
   * Runs `send` with the target's conversation and the connector client kept for its service: no
   * bot turn is built for a proactive message. New messages go to the conversation itself, as Teams
   * documents proactive messages (a new post in a channel, not a reply in the thread of whatever the
   * bot last heard there).
   */
  async function viaConnector<T>(
    target: TeamsTarget,
    send: (connector: ConnectorClient, reference: Partial<ConversationReference>) => Promise<T>,
  ): Promise<T> {
    const reference = await referenceFor(target);
    return call(async () => send(await connectorOf(reference, connectorFor), reference));
  }

  const post = (target: TeamsTarget, activity: Partial<Activity>) =>
    viaConnector(target, async (connector, reference) => {
      const response = await connector.conversations.sendToConversation(
        conversationOf(reference),
        addressed(activity, reference),
        { timeout },
      );
      return response?.id ?? '';
    });

  return {
    send: async (target, notice) => ({
      messageId: await post(target, { type: 'message', attachments: [noticeToAdaptiveCard(notice)] }),
    }),
    sendText: async (target, text) => {
      await post(target, { type: 'message', text, textFormat: 'plain' });
    },
    update: async (target, messageId, notice) => {
      const activity = { type: 'message', id: messageId, attachments: [noticeToAdaptiveCard(notice)] };
      await viaConnector(target, (connector, reference) =>
        connector.conversations.updateActivity(
          conversationOf(reference),
          messageId,
          addressed(activity, reference),
          { timeout },
        ),
      );
    },
  };
}

/** The activity from the bot to the reference's conversation, with its service and channel. */
const addressed = (activity: Partial<Activity>, reference: Partial<ConversationReference>) =>
  TurnContext.applyConversationReference(
    { ...activity },
    { ...reference, activityId: undefined },
  ) as Activity;

const conversationOf = (reference: Partial<ConversationReference>) => reference.conversation?.id ?? '';

function connectorOf(
  reference: Partial<ConversationReference>,
  connectorFor: ConnectorFor,
): Promise<ConnectorClient> {
  if (!reference.serviceUrl)
    throw new DeliveryError('the Teams conversation reference has no service URL', true);
  return connectorFor(reference.serviceUrl);
}

async function call<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
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
