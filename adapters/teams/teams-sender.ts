import {
  type Activity,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { desc } from 'drizzle-orm';
import { Agent } from 'undici';
import type { Database } from '../../db/client';
import { teamsConversations } from '../../db/schema/teams';
import type { Notice } from '../../workflows/core/notice';
import { DeliveryError } from '../../workflows/core/ports';
import { rateLimited, requestJson } from '../http/json-request';
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

  const dispatcher = new Agent();

  /**
   * Sends an activity to the target's conversation as the bot, with the credentials of the connector
   * client kept for its service (they fetch and renew the token). New messages go to the conversation
   * itself, as Teams documents proactive messages (a new post in a channel, not a reply in the thread
   * of whatever the bot last heard there). A JSON body on undici's `request`, as Slack's sends: the
   * connector client's pipeline and model serializer cost more CPU than every other part of a
   * Teams message, and the worker sends one for every Teams approver, briefing and reminder.
   */
  async function toConversation(
    target: TeamsTarget,
    activity: Partial<Activity>,
    messageId?: string,
  ): Promise<string> {
    const reference = await referenceFor(target);
    const headers = await call(async () => signedHeaders(await connectorOf(reference, connectorFor)));
    const activities = `${serviceUrlOf(reference).replace(/\/+$/, '')}/v3/conversations/${encodeURIComponent(conversationOf(reference))}/activities`;
    const url = messageId ? `${activities}/${encodeURIComponent(messageId)}` : activities;
    const answer = await requestJson('Teams', url, {
      method: messageId ? 'PUT' : 'POST',
      headers,
      body: addressed(messageId ? { ...activity, id: messageId } : activity, reference),
      dispatcher,
      timeoutMs: timeout,
    });
    if (answer.status >= 300) throw refusal(answer.status, undefined, `HTTP ${answer.status}`);
    return (answer.json as { id?: string } | undefined)?.id ?? '';
  }

  return {
    send: async (target, notice) => ({
      messageId: await toConversation(target, {
        type: 'message',
        attachments: [noticeToAdaptiveCard(notice)],
      }),
    }),
    sendText: async (target, text) => {
      await toConversation(target, { type: 'message', text, textFormat: 'plain' });
    },
    update: async (target, messageId, notice) => {
      await toConversation(
        target,
        { type: 'message', attachments: [noticeToAdaptiveCard(notice)] },
        messageId,
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

/** JSON headers, signed by the connector client's credentials (the bot's token, when it has an app id). */
async function signedHeaders(connector: ConnectorClient): Promise<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  const set = (name: string, value: string) => {
    headers[name.toLowerCase()] = value;
  };
  type Signed = Parameters<ConnectorClient['credentials']['signRequest']>[0];
  await connector.credentials.signRequest({ headers: { set } } as unknown as Signed);
  return headers;
}

function serviceUrlOf(reference: Partial<ConversationReference>): string {
  if (!reference.serviceUrl)
    throw new DeliveryError('the Teams conversation reference has no service URL', true);
  return reference.serviceUrl;
}

const connectorOf = (reference: Partial<ConversationReference>, connectorFor: ConnectorFor) =>
  connectorFor(serviceUrlOf(reference));

async function call<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw error instanceof DeliveryError ? error : toDeliveryError(error);
  }
}

/** A connector client's error (opening a chat) as a delivery error. */
function toDeliveryError(error: unknown): DeliveryError {
  const e = error as {
    statusCode?: number;
    message?: string;
    response?: { headers?: { get?: (name: string) => string | undefined } };
  };
  return refusal(e.statusCode, e.response?.headers?.get?.('retry-after'), e.message ?? String(error));
}

/** What the Bot Connector's answer means for the outbox: a pause, a retry, or a permanent refusal. */
function refusal(
  status: number | undefined,
  retryAfterHeader: string | string[] | undefined,
  detail: string,
): DeliveryError {
  if (status === 429) return rateLimited('Teams', retryAfterHeader);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return new DeliveryError(`Teams refused the message: HTTP ${status}`, true);
  }
  return new DeliveryError(`Teams could not be reached: ${detail}`, false);
}
