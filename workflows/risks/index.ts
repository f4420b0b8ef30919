import type { Clock } from '../core/clock';
import type { TimerHandler } from '../core/timers';
import { onRiskReview } from './on-risk-review';
import { RISK_REVIEW_TIMER } from './risk-engine';

export { type AddRiskInput, addRisk } from './add-risk';
export { CHANGE_FORMS, closeRisk, type RiskChanges, updateRisk } from './change-risk';
export { type PersonRef, RISK_REVIEW_TIMER, reviewTimerId } from './risk-engine';
export { RiskError, type RiskErrorCode } from './risk-errors';
export { checkLevel, MITIGATION_MAX, NOTE_MAX, TITLE_MAX } from './risk-input';
export { reference } from './risk-notices';
export {
  highestRisks,
  listRisks,
  type RiskFormChoices,
  riskFormChoices,
  type ScoredRisk,
} from './risk-queries';
export {
  IMPACTS,
  isCalendarDate,
  LIKELIHOODS,
  reviewReminderAt,
  reviewReminderDue,
  riskScore,
  TOP_SCORE,
} from './risk-score';

/** The timers the worker registers for the risk register. */
export function riskJobs(clock: Clock): [string, TimerHandler][] {
  return [[RISK_REVIEW_TIMER, onRiskReview(clock)]];
}

/** `RSK-12`, `rsk-12` or `12` to 12. */
export function parseRiskReference(text: string): number | undefined {
  const match = /^(?:rsk-)?(\d{1,9})$/i.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}
