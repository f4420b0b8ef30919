import type { Attachment } from 'botbuilder';
import { escapeCardMarkdown } from './teams-escape';

type CardElement = Record<string, unknown>;

/** An Adaptive Card 1.5 attachment, the version Teams renders on every client. */
export const adaptiveCard = (card: {
  fallbackText: string;
  body: CardElement[];
  actions?: CardElement[];
}): Attachment => ({
  contentType: 'application/vnd.microsoft.card.adaptive',
  content: {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: card.fallbackText,
    body: card.body,
    ...(card.actions && card.actions.length > 0 ? { actions: card.actions } : {}),
  },
});

/**
 * A button whose data names the verb and carries `value`. Action.Execute (Universal Actions) updates
 * the card in place; clients without it fall back to Action.Submit, which arrives as a message
 * activity carrying the same data.
 */
export const executeAction = (action: {
  title: string;
  verb: string;
  value: string;
  style?: 'positive' | 'destructive';
}) => {
  const data = { action: action.verb, value: action.value };
  return {
    type: 'Action.Execute',
    title: action.title,
    verb: action.verb,
    data,
    ...(action.style ? { style: action.style } : {}),
    fallback: { type: 'Action.Submit', title: action.title, data },
  };
};

/** A wrapping TextBlock; the text is escaped, since TextBlocks render markdown and users type it. */
export const textBlock = (text: string, extra: CardElement = {}) => ({
  type: 'TextBlock',
  text: escapeCardMarkdown(text),
  wrap: true,
  ...extra,
});

export const headingBlock = (text: string) => textBlock(text, { weight: 'Bolder', size: 'Medium' });

/** The red message under the input that was refused. */
export const errorBlock = (message: string) => textBlock(message, { color: 'Attention' });

/** A submitted string; a blank input counts as absent. */
export const formText = (data: Record<string, unknown>, key: string) => {
  const value = data[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The inputs of a submitted form: Teams merges each input's value into the action data under its id.
 * The relationship is the chosen one, else the action's value, which carries it when only one was offered.
 */
export function readFormValues<Id extends string>(data: Record<string, unknown>, fieldIds: readonly Id[]) {
  const values: Partial<Record<Id, string>> = {};
  for (const id of fieldIds) {
    const value = formText(data, id);
    if (value) values[id] = value;
  }
  return { values, relationshipId: values['relationship' as Id] ?? formText(data, 'value') };
}
