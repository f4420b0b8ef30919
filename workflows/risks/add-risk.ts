import { risks } from '../../db/schema/risks';
import type { Clock } from '../core/clock';
import { loadDirectory, timeZoneOf } from '../core/directory';
import type { UnitOfWork } from '../core/unit-of-work';
import { audit, findPerson, type PersonRef, syncReviewTimer, tellExecutiveOfTop } from './risk-engine';
import { RiskError } from './risk-errors';
import { checkLevel, checkMitigation, checkReviewDate, checkTitle } from './risk-input';
import { nameOf, type Risk, reference, scoreText } from './risk-notices';
import { reachesTop, riskScore, todayIn } from './risk-score';

export type AddRiskInput = {
  relationshipId: string;
  raisedBy: string;
  title: string;
  /** As typed or chosen: `4` or 4. */
  likelihood: unknown;
  impact: unknown;
  /** The raiser when not given. */
  owner?: PersonRef;
  mitigation?: string;
  /** `YYYY-MM-DD`, not before today in the raiser's zone. */
  reviewDate?: string;
};

/**
 * Puts a risk on the register. The owner is reminded on the review date; a risk at the top score is
 * told to the escalation executive. Every field is checked before anything is written.
 */
export async function addRisk(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: AddRiskInput,
): Promise<{ risk: Risk; reference: string; confirmation: string }> {
  const title = checkTitle(input.title);
  const likelihood = checkLevel('likelihood', input.likelihood);
  const impact = checkLevel('impact', input.impact);
  const mitigation = checkMitigation(input.mitigation);
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const directory = await loadDirectory(work.tx, input.relationshipId);
    if (!directory) {
      throw new RiskError('unknown_relationship', `There is no relationship "${input.relationshipId}".`);
    }
    const raiser = directory.people.get(input.raisedBy);
    if (!raiser) {
      throw new RiskError('not_in_directory', `You are not a person of ${directory.relationship.name}.`);
    }
    const owner = input.owner ? findPerson(directory, input.owner) : raiser.id;
    const reviewDate = input.reviewDate?.trim()
      ? checkReviewDate(input.reviewDate, todayIn(timeZoneOf(raiser, directory.relationship), now))
      : null;
    const [risk] = await work.tx
      .insert(risks)
      .values({
        relationshipId: directory.relationship.id,
        title,
        likelihood,
        impact,
        owner,
        mitigation,
        reviewDate,
        raisedBy: raiser.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!risk) throw new Error('risk insert returned no row');
    await audit(work, risk, raiser.id, 'raised', now, { title, likelihood, impact, owner, reviewDate });
    await syncReviewTimer(work, risk, directory, now);
    if (reachesTop(undefined, riskScore(risk))) {
      await tellExecutiveOfTop(work, risk, directory, raiser.id, now);
    }
    const ref = reference(risk.id);
    const review = reviewDate ? `, review on ${reviewDate}` : ', no review date';
    return {
      risk,
      reference: ref,
      confirmation: `${ref} "${title}" is on the risk register of ${directory.relationship.name}: ${scoreText(risk)}, owner ${nameOf(directory, owner)}${review}.`,
    };
  });
}
