import type { SlackSender } from '../adapters/slack/slack-sender';
import type { TeamsSender } from '../adapters/teams/teams-sender';
import type { Recipient } from '../db/schema/jobs';
import type { Notice } from '../workflows/core/notice';
import { type ChatPort, DeliveryError } from '../workflows/core/ports';

/** Routes each notice to the sender of its recipient's platform. */
export function createChat(senders: { slack?: SlackSender; teams?: TeamsSender }): ChatPort {
  const slack = () => {
    if (!senders.slack) throw new DeliveryError('Slack is not configured on this bot', true);
    return senders.slack;
  };
  const teams = () => {
    if (!senders.teams) throw new DeliveryError('Teams is not configured on this bot', true);
    return senders.teams;
  };
  return {
    send: async (recipient: Recipient, notice: Notice) =>
      recipient.platform === 'slack'
        ? slack().send(recipient.channel, notice)
        : teams().send(recipient, notice),
    update: async (recipient: Recipient, messageId: string, notice: Notice) =>
      recipient.platform === 'slack'
        ? slack().update(messageId, notice)
        : teams().update(recipient, messageId, notice),
  };
}
