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

/** Sends wanted at once, by kind: requests for a decision (`urgent`) and messages that only inform. */
export type SendsWanted = { urgent: number; routine: number };
/** What one try grants of each kind, or, when nothing, how long until it could. */
export type SendGrant = SendsWanted & { waitMs: number };

/** The chat platforms, each with limits of its own. */
export type Platform = Recipient['platform'];

export const PLATFORMS: readonly Platform[] = ['slack', 'teams'];

/** One of a thing for each platform. */
export const perPlatform = <T>(make: (platform: Platform) => T): Record<Platform, T> =>
  Object.fromEntries(PLATFORMS.map((platform) => [platform, make(platform)])) as Record<Platform, T>;

/**
 * The messages a second every sender shares (every worker process on the same job store), kept
 * over short windows, so sending in batches and sending one by one count alike. There is one limit
 * on all messages and one on each platform's: a platform that asks callers to wait (a 429) holds
 * back only its own messages.
 */
export type SendAllowance = {
  /** Waits until at least one send of the kind is allowed; returns how many of `wanted` are (1 to `wanted`). */
  take: (platform: Platform, wanted: number, kind?: { urgent: boolean }) => Promise<number>;
  /** One try, without waiting: urgent sends first, and they may use the room kept for them. */
  tryTake: (platform: Platform, wanted: SendsWanted) => Promise<SendGrant>;
  /** The platform asked every caller to wait: nobody is allowed anything on it for `ms`. */
  pause: (platform: Platform, ms: number) => Promise<void>;
};
