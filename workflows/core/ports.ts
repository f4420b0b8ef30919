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

/**
 * The messages a second every sender shares (every worker process on the same job store), kept
 * over short windows, so sending in batches and sending one by one count alike.
 */
export type SendAllowance = {
  /** Waits until at least one send is allowed; returns how many of `wanted` are (1 to `wanted`). */
  take: (wanted: number) => Promise<number>;
  /** The platform asked every caller to wait: nobody is allowed anything for `ms`. */
  pause: (ms: number) => Promise<void>;
};
