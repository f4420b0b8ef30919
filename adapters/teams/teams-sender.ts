import type { CloudAdapter } from 'botbuilder';
import type { Database } from '../../db/client';
import type { Notice } from '../../workflows/core/notice';
import { DeliveryError } from '../../workflows/core/ports';
import { conversationKey, findConversation, personalKey } from './teams-conversations';
import { noticeToAdaptiveCard } from './teams-render';

export type TeamsSender = {
  send: (
    target: { conversationId: string; aadObjectId?: string },
    notice: Notice,
  ) => Promise<{ messageId: string }>;
};

/** Sends proactive messages through the Bot Connector, using the stored conversation reference. */
export function createTeamsSender(
  adapter: CloudAdapter,
  db: Database,
  appId: string | undefined,
): TeamsSender {
  return {
    send: async (target, notice) => {
      const key = target.aadObjectId
        ? personalKey(target.aadObjectId)
        : conversationKey(target.conversationId);
      const reference = await findConversation(db, key);
      if (!reference) {
        throw new DeliveryError(
          'the bot is not installed for this Teams user or channel (no conversation reference yet)',
          true,
        );
      }
      let messageId = '';
      try {
        await adapter.continueConversationAsync(appId ?? '', reference, async (context) => {
          const response = await context.sendActivity({ attachments: [noticeToAdaptiveCard(notice)] });
          messageId = `${reference.conversation.id}/${response?.id ?? ''}`;
        });
      } catch (error) {
        throw toDeliveryError(error);
      }
      return { messageId };
    },
  };
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
