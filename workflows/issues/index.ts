import type { Clock } from '../core/clock';
import type { TimerHandler } from '../core/timers';
import { DUE_TIMER, PUBLISH_TIMER } from './issue-engine';
import { DIGEST_TIMER, onDigest, onDueReminder, onPublish } from './publish-issue-list';

export { decideIssue, editProposedIssue, type IssueDecision } from './decide-issue';
export {
  ISSUE_ACTIONS,
  reference as issueReference,
  schedulePublication,
  syncDueReminders,
} from './issue-engine';
export { IssueError } from './issue-errors';
export {
  DESCRIPTION_MAX as ISSUE_DESCRIPTION_MAX,
  type IssueFields,
  TITLE_MAX as ISSUE_TITLE_MAX,
} from './issue-input';
export { listIssues, showPublication } from './issue-queries';
export { assignIssue, resolveIssue, setIssueDue } from './manage-issues';
export { proposeIssue, proposeIssueIn } from './propose-issue';
export { syncDigests } from './publish-issue-list';

/** The timers the worker registers for the issue list. */
export function issueJobs(clock: Clock): [string, TimerHandler][] {
  return [
    [PUBLISH_TIMER, onPublish(clock)],
    [DIGEST_TIMER, onDigest(clock)],
    [DUE_TIMER, onDueReminder()],
  ];
}

/** `ISS-3`, `iss-3` or `3` to 3. */
export function parseIssueReference(text: string): number | undefined {
  const match = /^(?:iss-)?(\d{1,9})$/i.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}
