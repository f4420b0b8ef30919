import type { Recipient } from '../../db/schema/jobs';
import type { Notice } from './notice';

/** Why a send failed, as the delivery worker needs to know it: try again (and when), or give up. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Sends a notice on the recipient's platform, or replaces one it sent before. */
export type ChatPort = {
  send: (recipient: Recipient, notice: Notice) => Promise<{ messageId: string }>;
  update: (recipient: Recipient, messageId: string, notice: Notice) => Promise<void>;
};
