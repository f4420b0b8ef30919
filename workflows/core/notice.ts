/**
 * A platform-neutral message. Every string is plain user-visible text: renderers escape it for
 * Slack mrkdwn or Adaptive Card markdown, so text typed by a user can never ping or link.
 */
export type Notice = {
  title: string;
  text?: string;
  fields?: { label: string; value: string }[];
  actions?: { id: string; label: string; value: string; style?: 'primary' | 'danger' }[];
  /** An optional free-text field sent along with whichever action is clicked (a reason, a note). */
  input?: { id: string; label: string; placeholder?: string };
  /** A small closing line: who decided and when, that the message is out of date. */
  context?: string;
  /** Shown where a platform cannot show the rich form (notifications, screen readers). */
  fallback?: string;
};
