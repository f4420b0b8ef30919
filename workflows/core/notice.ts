/**
 * A platform-neutral message. Every string is plain user-visible text: renderers escape it for
 * Slack mrkdwn or Adaptive Card markdown, so text typed by a user can never ping or link.
 */
export type Notice = {
  title: string;
  text?: string;
  fields?: { label: string; value: string }[];
  actions?: { id: string; label: string; value: string; style?: 'primary' | 'danger' }[];
  /** Shown where a platform cannot show the rich form (notifications, screen readers). */
  fallback?: string;
};
