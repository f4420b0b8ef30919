import { eq } from 'drizzle-orm';
import { risks } from '../../db/schema/risks';
import type { Clock } from '../core/clock';
import {
  findMemberships,
  loadDirectory,
  type PlatformIdentity,
  type RelationshipDirectory,
  timeZoneOf,
} from '../core/directory';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import {
  audit,
  findPerson,
  lockRisk,
  type PersonRef,
  syncReviewTimer,
  tellExecutiveOfTop,
} from './risk-engine';
import { RiskError } from './risk-errors';
import { checkLevel, checkMitigation, checkNote, checkReviewDate } from './risk-input';
import { nameOf, type Risk, reference } from './risk-notices';
import { reachesTop, riskScore, todayIn } from './risk-score';

type Deps = { unitOfWork: UnitOfWork; clock: Clock };

export type RiskChanges = {
  likelihood?: unknown;
  impact?: unknown;
  owner?: PersonRef;
  /** `YYYY-MM-DD`, not before today in the zone of whoever changes it. */
  reviewDate?: string;
  mitigation?: string;
};

export const CHANGE_FORMS =
  'likelihood=1-5, impact=1-5, owner=<person id>, review=YYYY-MM-DD, mitigation=<text, to the end>';

/** `/risk update RSK-2 likelihood=2 impact=4`: the owner, the raiser or the executive changes a risk. */
export async function updateRisk(
  deps: Deps,
  input: { actor: PlatformIdentity; riskId: number; changes: RiskChanges },
): Promise<string> {
  const { changes } = input;
  if (Object.values(changes).every((value) => value === undefined)) {
    throw new RiskError('invalid_input', `Say what to change: ${CHANGE_FORMS}.`);
  }
  const likelihood =
    changes.likelihood === undefined ? undefined : checkLevel('likelihood', changes.likelihood);
  const impact = changes.impact === undefined ? undefined : checkLevel('impact', changes.impact);
  const mitigation = changes.mitigation === undefined ? undefined : checkMitigation(changes.mitigation);
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const { risk, directory, actorId } = await loadForChange(work, input.actor, input.riskId);
    const owner = changes.owner ? findPerson(directory, changes.owner) : undefined;
    const actor = directory.people.get(actorId);
    const reviewDate =
      changes.reviewDate === undefined
        ? undefined
        : checkReviewDate(changes.reviewDate, todayIn(timeZoneOf(actor, directory.relationship), now));
    const next = {
      likelihood: likelihood ?? risk.likelihood,
      impact: impact ?? risk.impact,
      owner: owner ?? risk.owner,
      reviewDate: reviewDate ?? risk.reviewDate,
      mitigation: mitigation ?? risk.mitigation,
    };
    const said = describeChanges(risk, next, directory);
    const ref = reference(risk.id);
    if (said.length === 0) return `Nothing changed: ${ref} already has those values.`;
    const [updated] = await work.tx
      .update(risks)
      .set({ ...next, updatedAt: now })
      .where(eq(risks.id, risk.id))
      .returning();
    if (!updated) throw new Error(`risk ${risk.id} vanished while being updated`);
    await audit(work, updated, actorId, 'updated', now, { changes: said });
    if (next.owner !== risk.owner || next.reviewDate !== risk.reviewDate) {
      await syncReviewTimer(work, updated, directory, now);
    }
    if (reachesTop(riskScore(risk), riskScore(updated))) {
      await tellExecutiveOfTop(work, updated, directory, actorId, now);
    }
    return `${ref} is updated: ${said.join('; ')}.`;
  });
}

/** `/risk close RSK-2 [note]`: the owner, the raiser or the executive takes it off the register. */
export async function closeRisk(
  deps: Deps,
  input: { actor: PlatformIdentity; riskId: number; note?: string },
): Promise<string> {
  const note = checkNote(input.note);
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const { risk, directory, actorId } = await loadForChange(work, input.actor, input.riskId, true);
    const ref = reference(risk.id);
    if (risk.status === 'closed') return `${ref} is already closed.`;
    const [closed] = await work.tx
      .update(risks)
      .set({ status: 'closed', closedBy: actorId, closedAt: now, updatedAt: now })
      .where(eq(risks.id, risk.id))
      .returning();
    if (!closed) throw new Error(`risk ${risk.id} vanished while being closed`);
    await audit(work, closed, actorId, 'closed', now, { note });
    await syncReviewTimer(work, closed, directory, now);
    return `${ref} "${closed.title}" is closed${note ? `: ${note}` : '.'}`;
  });
}

/** The risk, locked, with the actor's person id, once the actor is shown to be allowed to change it. */
async function loadForChange(
  work: Work,
  actor: PlatformIdentity,
  riskId: number,
  closing = false,
): Promise<{ risk: Risk; directory: RelationshipDirectory; actorId: string }> {
  const risk = await lockRisk(work.tx, riskId);
  const memberships = await findMemberships(work.tx, actor);
  const membership = memberships.find((m) => m.relationshipId === risk?.relationshipId);
  const directory = risk && membership && (await loadDirectory(work.tx, risk.relationshipId));
  const ref = reference(riskId);
  if (!risk || !membership || !directory) {
    throw new RiskError('unknown_risk', `There is no risk ${ref} in your relationships.`);
  }
  const actorId = membership.personId;
  if (![risk.owner, risk.raisedBy, directory.executive].includes(actorId)) {
    throw new RiskError(
      'not_allowed',
      `Only ${nameOf(directory, risk.owner)} (the owner), ${nameOf(directory, risk.raisedBy)} (who raised it) or ${nameOf(directory, directory.executive)} (the escalation executive) can change ${ref}.`,
    );
  }
  if (risk.status === 'closed' && !closing) {
    throw new RiskError('risk_closed', `${ref} is closed, so it cannot be changed.`);
  }
  return { risk, directory, actorId };
}

function describeChanges(
  before: Risk,
  after: Pick<Risk, 'likelihood' | 'impact' | 'owner' | 'reviewDate' | 'mitigation'>,
  directory: RelationshipDirectory,
): string[] {
  const said: string[] = [];
  const levels = (['likelihood', 'impact'] as const)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key} ${before[key]} → ${after[key]}`);
  if (levels.length > 0) {
    said.push(`${levels.join(', ')} (score ${riskScore(before)} → ${riskScore(after)})`);
  }
  if (before.owner !== after.owner) {
    said.push(`owner ${nameOf(directory, before.owner)} → ${nameOf(directory, after.owner)}`);
  }
  if (before.reviewDate !== after.reviewDate) {
    said.push(`review date ${before.reviewDate ?? 'none'} → ${after.reviewDate}`);
  }
  if (before.mitigation !== after.mitigation) said.push('mitigation updated');
  return said;
}
