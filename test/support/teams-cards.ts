import { expect } from 'vitest';
import { type ConnectorCall, postActivity, teamsActivity } from './fake-bot-connector';

/** An action on an Adaptive Card, as the bot sends it: `Action.Execute` with a verb and data, or a link. */
export type CardAction = { verb?: string; data?: Record<string, unknown>; [key: string]: unknown };
/** An Adaptive Card, as much of it as the tests read. */
export type Card = {
  version: string;
  fallbackText?: string;
  body: Record<string, unknown>[];
  actions?: CardAction[];
};
export type Attachment = { contentType: string; content: Card };
/** The bot's answer to an `adaptiveCard/action` invoke: a card to show, or a message. */
export type InvokeBody = { statusCode: number; type: string; value: Card | string };
/** What the tests need of the fake Bot Connector: where activities point, and what the bot sent it. */
export type ConnectorLike = { serviceUrl: string; calls: ConnectorCall[] };

/** Posts an activity to the bot; its replies in the turn are the connector calls answering the activity's id. */
export async function postTeamsActivity(
  baseUrl: string,
  connector: ConnectorLike,
  activity: Record<string, unknown>,
) {
  const response = await postActivity(baseUrl, activity);
  const raw = await response.text();
  const replies = connector.calls
    .filter((call) => call.method === 'POST' && call.path.endsWith(`/activities/${String(activity.id)}`))
    .map((call) => call.activity);
  return {
    id: String(activity.id),
    status: response.status,
    body: raw ? (JSON.parse(raw) as InvokeBody) : undefined,
    replies,
  };
}

/** Presses an `Action.Execute` button: posts the `adaptiveCard/action` invoke Teams sends for it. */
export const invokeAction = (
  baseUrl: string,
  connector: ConnectorLike,
  action: { verb: string; data: Record<string, unknown>; aadObjectId: string; name?: string },
) =>
  postTeamsActivity(
    baseUrl,
    connector,
    teamsActivity(connector.serviceUrl, {
      type: 'invoke',
      invokeName: 'adaptiveCard/action',
      aadObjectId: action.aadObjectId,
      name: action.name,
      value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data } },
    }),
  );

/** The Adaptive Card an activity carries, if any. */
export const cardOf = (activity: Record<string, unknown> | undefined) =>
  (activity?.attachments as Attachment[] | undefined)?.[0]?.content;

/** What the card's TextBlocks say, as markdown (escaped). */
export const texts = (card: Card | undefined) =>
  (card?.body ?? [])
    .filter((part) => part.type === 'TextBlock')
    .map((part) => String(part.text))
    .join('\n');

/** The card's body element with this id. */
export const element = (card: Card | undefined, id: string) =>
  card?.body.find((candidate) => candidate.id === id);

/** The card an invoke answered with, after checking that it answered with a card. */
export const invokedCard = (body: InvokeBody | undefined) => {
  expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
  return body?.value as Card;
};
