import type { Clock } from '../core/clock';
import type { DeliveryFailureHandler } from '../core/deliver-notice';
import type { TimerHandler } from '../core/timers';
import { SLA_TIMER } from './escalation-engine';
import { onEscalationDeliveryFailure } from './on-delivery-failure';
import { onSlaBreach } from './on-sla-breach';
import { onEscalationRaised, ROUTE_TIMER } from './route-raised';

export { type AwayUntil, type DelegateRef, setAway, setBack } from './away';
export { type DecideResult, type Decision, decideEscalation } from './decide-escalation';
export { EscalationError, type EscalationErrorCode } from './escalation-errors';
export { DESCRIPTION_MAX, type RaiseFields, TITLE_MAX } from './escalation-input';
export { ACTIONS as ESCALATION_ACTIONS, parseActionValue, reference } from './escalation-notices';
export { listEscalations, showEscalation } from './escalation-queries';
export {
  type RaiseResult,
  raiseEscalation,
  raiseEscalationAs,
  warmRaiseStatements,
} from './raise-escalation';
export { resolveEscalation } from './resolve-escalation';

/** What the worker registers for this capability: its timers and its delivery-failure handling. */
export function escalationJobs(clock: Clock): {
  timers: [string, TimerHandler][];
  failures: [string, DeliveryFailureHandler][];
} {
  return {
    timers: [
      [ROUTE_TIMER, onEscalationRaised(clock)],
      [SLA_TIMER, onSlaBreach(clock)],
    ],
    failures: [['escalation', onEscalationDeliveryFailure]],
  };
}

/** `ESC-12`, `esc-12` or `12` to 12. */
export function parseReference(text: string): number | undefined {
  const match = /^(?:esc-)?(\d{1,9})$/i.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}
