import { type Dispatcher, request } from 'undici';
import { DeliveryError } from '../../workflows/core/ports';

export type JsonCall = {
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: unknown;
  dispatcher: Dispatcher;
  /** Given up after this long without an answer (headers, then body). */
  timeoutMs: number;
};

/** What the platform answered: its status, and its body when it is a 2xx with JSON (else undefined). */
export type JsonAnswer = { status: number; json: unknown };

/**
 * One call of a platform's HTTP API with a JSON body, for the senders: undici's `request`, whose
 * answers cost less CPU than the platforms' own clients (the worker makes one per message). What
 * every platform means alike is answered here: no answer in time, or none at all, is a retryable
 * failure, and a 429 one that waits for the Retry-After. The rest of the answer is the caller's.
 * Errors name the platform and the cause, never the request's headers (the bot's token).
 */
export async function requestJson(platform: string, url: string, call: JsonCall): Promise<JsonAnswer> {
  let answer: Dispatcher.ResponseData;
  try {
    answer = await request(url, {
      method: call.method,
      headers: call.headers,
      body: JSON.stringify(call.body),
      dispatcher: call.dispatcher,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  } catch (error) {
    throw new DeliveryError(`${platform} could not be reached: ${(error as Error).message}`, false);
  }
  if (answer.statusCode === 429) {
    await answer.body.dump();
    throw rateLimited(platform, answer.headers['retry-after']);
  }
  if (answer.statusCode < 200 || answer.statusCode >= 300) {
    await answer.body.dump();
    return { status: answer.statusCode, json: undefined };
  }
  return { status: answer.statusCode, json: await answer.body.json().catch(() => undefined) };
}

/** A platform's 429: retryable, after its Retry-After (seconds; one when it names none). */
export function rateLimited(platform: string, retryAfter: string | string[] | undefined): DeliveryError {
  const seconds = Number(retryAfter);
  return new DeliveryError(
    `${platform} rate limited the call`,
    false,
    (Number.isFinite(seconds) ? seconds : 1) * 1000,
  );
}
