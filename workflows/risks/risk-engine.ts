import { eq } from 'drizzle-orm';
import type { Transaction } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import { risks } from '../../db/schema/risks';
import { directMessageTo, type RelationshipDirectory, timeZoneOf } from '../core/directory';
import type { Work } from '../core/unit-of-work';
import { RiskError } from './risk-errors';
import { type Risk, riskTopic, topScoreNotice } from './risk-notices';
import { reviewReminderDue } from './risk-score';

export const RISK_REVIEW_TIMER = 'risk.review';

export const reviewTimerId = (riskId: number) => `risk-review.${riskId}`;

/** How a command names a person: their id (or name) in the governance file, or a platform identity. */
export type PersonRef = { personId: string } | { slackUserId: string } | { aadObjectId: string };

export function findPerson(directory: RelationshipDirectory, ref: PersonRef): string {
  for (const person of directory.people.values()) {
    if ('slackUserId' in ref && person.slackUserId === ref.slackUserId) return person.id;
    if ('aadObjectId' in ref && person.teamsAadObjectId === ref.aadObjectId) return person.id;
    if ('personId' in ref) {
      const wanted = ref.personId.replace(/^@/, '').toLowerCase();
      if (person.id.toLowerCase() === wanted || person.name.toLowerCase() === wanted) return person.id;
    }
  }
  const typed = 'personId' in ref ? `"${ref.personId}"` : 'That person';
  throw new RiskError(
    'unknown_person',
    `${typed} is not a person of ${directory.relationship.name}: name the owner by their id in the governance file.`,
    'owner',
  );
}

export async function lockRisk(tx: Transaction, riskId: number): Promise<Risk | undefined> {
  const [row] = await tx.select().from(risks).where(eq(risks.id, riskId)).for('update');
  return row;
}

export async function audit(
  work: Work,
  risk: Risk,
  actor: string,
  kind: string,
  at: Date,
  data: Record<string, unknown> = {},
) {
  await work.tx.insert(auditEvents).values({
    at,
    relationshipId: risk.relationshipId,
    actor,
    kind: `risk.${kind}`,
    subject: riskTopic(risk.id),
    data,
  });
}

/**
 * Sets, moves or cancels the owner's review reminder to match the risk. Called when the risk is
 * added, closed, or its review date or owner changes; never otherwise, so a reminder sent today is
 * not sent again by an unrelated change.
 */
export async function syncReviewTimer(work: Work, risk: Risk, directory: RelationshipDirectory, now: Date) {
  const id = reviewTimerId(risk.id);
  const owner = risk.owner ? directory.people.get(risk.owner) : undefined;
  const due =
    risk.status === 'open' && owner && risk.reviewDate
      ? reviewReminderDue(risk.reviewDate, timeZoneOf(owner, directory.relationship), now)
      : undefined;
  if (!due || !risk.reviewDate) return work.cancelTimer(id);
  await work.scheduleTimer({
    id,
    name: RISK_REVIEW_TIMER,
    dueAt: due,
    relationshipId: risk.relationshipId,
    payload: { riskId: risk.id, reviewDate: risk.reviewDate },
  });
}

/** The escalation executive hears of a risk that reaches the top score, unless they raised it to it. */
export async function tellExecutiveOfTop(
  work: Work,
  risk: Risk,
  directory: RelationshipDirectory,
  actor: string,
  at: Date,
) {
  const executive = directory.executive ? directory.people.get(directory.executive) : undefined;
  await audit(work, risk, actor, 'top_score', at, { told: executive?.id ?? null });
  if (!executive || executive.id === actor) return;
  const recipient = directMessageTo(executive);
  if (!recipient) return;
  await work.queueNotice(recipient, topScoreNotice(risk, directory, actor), {
    relationshipId: risk.relationshipId,
    topic: riskTopic(risk.id),
  });
}
