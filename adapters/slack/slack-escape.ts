/**
 * Slack mrkdwn treats `<...>` as a mention, a channel-wide ping or a link, and `&` starts an entity.
 * Escaping these three (Slack's own rule) makes user text inert; emphasis marks stay harmless.
 */
export const escapeMrkdwn = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
