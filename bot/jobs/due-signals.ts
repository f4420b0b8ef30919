import type pg from 'pg';
import createSubscriber, { type Subscriber } from 'pg-listen';
import { DUE_AT_ONCE_CHANNEL } from '../../workflows/core/timers';
import type { Logger } from '../logger';
import type { Doorbell } from './doorbell';

/** Between attempts to open the listening connection, and to open it again once lost. */
const RETRY_MS = 1000;

export type DueSignals = {
  /** True while notifications arrive: polls are then only a safety net. */
  listening: () => boolean;
  close: () => Promise<void>;
};

/**
 * Listens (Postgres LISTEN) for the commits that set timers due at once, and rings the doorbell of
 * their kind, so a raise is routed as soon as it is stored rather than at the next poll. Once the
 * connection is back after a loss, every bell rings, for the commits missed meanwhile. Until it is
 * open, `listening` is false and pollers look as often as they would without it.
 */
export function listenForDueTimers(
  connection: pg.ClientConfig,
  bells: ReadonlyMap<string, Doorbell>,
  logger: Logger,
): DueSignals {
  let subscriber: Subscriber | undefined;
  let listening = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const ringAll = () => {
    for (const bell of bells.values()) bell.ringAll();
  };

  async function open() {
    const opening = createSubscriber(connection, {
      // Payloads are timer names, not JSON.
      parse: (payload) => payload,
      retryInterval: RETRY_MS,
      // 0: never give up reconnecting (the default stops after 3 s, and then never listens again).
      retryTimeout: 0,
    });
    opening.notifications.on(DUE_AT_ONCE_CHANNEL, (name: string) => bells.get(name)?.ring());
    opening.events.on('reconnect', (attempt) => {
      if (attempt === 1) logger.warn('lost the connection listening for raises; polling for them meanwhile');
      listening = false;
    });
    opening.events.on('connected', () => {
      // On the first connect, LISTEN is not issued yet: `open` sets listening once it is.
      if (!opening.getSubscribedChannels().length) return;
      logger.info('listening for raises again');
      listening = true;
      ringAll();
    });
    opening.events.on('error', (error) => logger.warn({ err: error }, 'listening for due timers failed'));
    try {
      await opening.connect();
      await opening.listenTo(DUE_AT_ONCE_CHANNEL);
    } catch (error) {
      await opening.close().catch(() => {});
      if (closed) return;
      logger.warn({ err: error }, 'could not listen for due timers; polling for them meanwhile');
      retry = setTimeout(() => void open(), RETRY_MS);
      return;
    }
    if (closed) {
      await opening.close();
      return;
    }
    subscriber = opening;
    listening = true;
    // Whatever was committed before LISTEN took effect rang no bell.
    ringAll();
  }
  void open();

  return {
    listening: () => listening,
    close: async () => {
      closed = true;
      listening = false;
      clearTimeout(retry);
      await subscriber?.close().catch(() => {});
    },
  };
}
