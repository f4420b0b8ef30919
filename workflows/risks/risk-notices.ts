import type { risks } from '../../db/schema/risks';
import type { RelationshipDirectory } from '../core/directory';
import { nameOf } from '../core/directory';
import type { Notice } from '../core/notice';
import { IMPACTS, LIKELIHOODS, riskScore } from './risk-score';

export type Risk = typeof risks.$inferSelect;

export const reference = (riskId: number) => `RSK-${riskId}`;
export const riskTopic = (riskId: number) => `risk:${riskId}`;

export { nameOf };

/** `score 20 (likelihood 4, likely; impact 5, severe)`. */
export const scoreText = (risk: Pick<Risk, 'likelihood' | 'impact'>) =>
  `score ${riskScore(risk)} (likelihood ${risk.likelihood}, ${LIKELIHOODS[risk.likelihood - 1]?.toLowerCase()}; impact ${risk.impact}, ${IMPACTS[risk.impact - 1]?.toLowerCase()})`;

const fieldsOf = (risk: Risk, directory: RelationshipDirectory) => [
  { label: 'Score', value: `${riskScore(risk)} = likelihood ${risk.likelihood} × impact ${risk.impact}` },
  { label: 'Owner', value: nameOf(directory, risk.owner) },
  { label: 'Review date', value: risk.reviewDate ?? 'none' },
  { label: 'Relationship', value: directory.relationship.name },
  { label: 'Mitigation', value: risk.mitigation || 'none yet' },
];

export function topScoreNotice(risk: Risk, directory: RelationshipDirectory, actor: string): Notice {
  const title = `${reference(risk.id)} reached the top risk score`;
  return {
    title,
    text: `${risk.title}\n${nameOf(directory, actor)} rated it almost certain and severe (${riskScore(risk)} of 25).`,
    fields: fieldsOf(risk, directory),
    fallback: `${title}: ${risk.title}`,
  };
}

/** The owner's reminder on the review date; `command` is how they type it on their platform. */
export function reviewReminderNotice(risk: Risk, directory: RelationshipDirectory, command: string): Notice {
  const title = `${reference(risk.id)} is due for review`;
  return {
    title,
    text: `${risk.title}\nYou own this risk. Review its likelihood, impact and mitigation, then set the next review date (${command} update ${reference(risk.id)} review=YYYY-MM-DD) or close it (${command} close ${reference(risk.id)}).`,
    fields: fieldsOf(risk, directory),
    fallback: `${title}: ${risk.title}`,
  };
}
