import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { risks } from '../../db/schema/risks';
import { chooseRelationship, findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import { RiskError } from './risk-errors';
import { nameOf, type Risk, reference } from './risk-notices';

export type ScoredRisk = Risk & { score: number };

const score = sql<number>`${risks.likelihood} * ${risks.impact}`.mapWith(Number);

/** Open risks scoring at least `minScore`, highest first: what a meeting agenda shows. */
export async function highestRisks(
  db: Executor,
  relationshipId: string,
  minScore: number,
): Promise<ScoredRisk[]> {
  const rows = await db
    .select({ risk: risks, score })
    .from(risks)
    .where(and(eq(risks.relationshipId, relationshipId), eq(risks.status, 'open'), gte(score, minScore)))
    .orderBy(desc(score), sql`${risks.reviewDate} ASC NULLS LAST`, asc(risks.id));
  return rows.map((row) => ({ ...row.risk, score: row.score }));
}

/** `/risk list`: the open risks of the person's relationships, highest score first. */
export async function listRisks(db: Executor, actor: PlatformIdentity): Promise<string> {
  const memberships = await findMemberships(db, actor);
  if (memberships.length === 0) {
    throw new RiskError('not_in_directory', 'You are not in the governance directory of any relationship.');
  }
  const sections: string[] = [];
  for (const { relationshipId } of memberships) {
    const directory = await loadDirectory(db, relationshipId);
    if (!directory) continue;
    const open = await highestRisks(db, relationshipId, 0);
    const lines = open.map((risk) =>
      [
        `• ${reference(risk.id)} ${risk.title}: score ${risk.score} (likelihood ${risk.likelihood} × impact ${risk.impact}), owner ${nameOf(directory, risk.owner)}, review ${risk.reviewDate ?? 'not set'}`,
        `   Mitigation: ${risk.mitigation || 'none yet'}`,
      ].join('\n'),
    );
    sections.push(
      `Open risks of ${directory.relationship.name}, highest score first:\n${lines.length ? lines.join('\n') : '• none'}`,
    );
  }
  return sections.join('\n\n');
}

export type RiskFormChoices = {
  /** The relationships the person may add a risk to, with who they are in each. */
  relationships: { id: string; name: string; personId: string }[];
  /** Everyone who may own a risk, per relationship. */
  people: { relationshipId: string; personId: string; name: string }[];
};

/** What the add form offers; undefined for someone the directory does not know. */
export async function riskFormChoices(
  db: Executor,
  actor: PlatformIdentity,
  channel?: string,
): Promise<RiskFormChoices | undefined> {
  const choice = await chooseRelationship(db, actor, channel);
  if (choice.kind === 'none') return undefined;
  const memberships = choice.kind === 'one' ? [choice] : choice.options;
  const choices: RiskFormChoices = { relationships: [], people: [] };
  for (const { relationshipId, personId } of memberships) {
    const directory = await loadDirectory(db, relationshipId);
    if (!directory) continue;
    choices.relationships.push({ id: relationshipId, name: directory.relationship.name, personId });
    for (const person of directory.people.values()) {
      choices.people.push({ relationshipId, personId: person.id, name: person.name });
    }
  }
  return choices;
}
