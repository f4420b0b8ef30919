import { laddersOf } from './governance-ladders';
import { type GovernanceProblem, type Locate, type PathSegment, problemAt } from './governance-problem';
import type { GovernanceFile, GovernancePerson, GovernanceRelationship } from './governance-schema';
import { type ParsedGovernance, parseGovernance, sortByLine } from './parse-governance';

type Rule = (relationship: GovernanceRelationship, at: PathSegment[], locate: Locate) => GovernanceProblem[];

const reachable = (person: GovernancePerson | undefined) => Boolean(person?.slack || person?.teams);

function peopleById(relationship: GovernanceRelationship): Map<string, GovernancePerson> {
  return new Map(relationship.people.map((person) => [person.id, person]));
}

const levelWithoutApprover: Rule = (relationship, at, locate) =>
  laddersOf(relationship, at).flatMap((ladder) =>
    ladder.levels.flatMap((level, index) =>
      level.approvers.length === 0
        ? [
            problemAt(
              locate,
              [...ladder.path, index, 'approvers'],
              `level ${index + 1} "${level.name}" has no approver`,
            ),
          ]
        : [],
    ),
  );

const approverWithoutIdentity: Rule = (relationship, at, locate) => {
  const people = peopleById(relationship);
  return laddersOf(relationship, at).flatMap((ladder) =>
    ladder.levels.flatMap((level, levelIndex) =>
      level.approvers.flatMap((personId, index) =>
        reachable(people.get(personId))
          ? []
          : [
              problemAt(
                locate,
                [...ladder.path, levelIndex, 'approvers', index],
                `approver "${personId}" has no Slack or Teams identity, so the bot cannot ask them: ` +
                  `give person "${personId}" a slack or teams id`,
              ),
            ],
      ),
    ),
  );
};

const sharedPlatformIdentity: Rule = (relationship, at, locate) => {
  const problems: GovernanceProblem[] = [];
  for (const [key, platform] of [
    ['slack', 'Slack user'],
    ['teams', 'Teams user'],
  ] as const) {
    const firstOwner = new Map<string, { personId: string; line: number }>();
    relationship.people.forEach((person, index) => {
      const identity = person[key];
      if (!identity) return;
      const path = [...at, 'people', index, key];
      const owner = firstOwner.get(identity);
      if (!owner) firstOwner.set(identity, { personId: person.id, line: locate(path) });
      else {
        problems.push(
          problemAt(
            locate,
            path,
            `${platform} ${identity} is also person "${owner.personId}" (line ${owner.line})`,
          ),
        );
      }
    });
  }
  return problems;
};

/** The executive is who gets told when nobody can be reached, so they must be reachable themselves. */
const unreachableChain: Rule = (relationship, at, locate) => {
  const people = peopleById(relationship);
  const { escalation } = relationship;
  const problems: GovernanceProblem[] = [];
  const anyLevelReachable = escalation.levels.some((level) =>
    level.approvers.some((personId) => reachable(people.get(personId))),
  );
  if (!anyLevelReachable) {
    problems.push(
      problemAt(
        locate,
        [...at, 'escalation', 'levels'],
        'no level has an approver on Slack or Teams, so an escalation could reach nobody',
      ),
    );
  }
  if (!reachable(people.get(escalation.executive))) {
    problems.push(
      problemAt(
        locate,
        [...at, 'escalation', 'executive'],
        `executive "${escalation.executive}" has no Slack or Teams identity, ` +
          'and the executive is who gets told when nobody else can be reached',
      ),
    );
  }
  return problems;
};

/** Mutual agreement means each side speaks for itself: one person never agrees for both. */
const goalAgreementSides: Rule = (relationship, at, locate) => {
  const agreement = relationship.goal_agreement;
  if (!agreement) return [];
  const people = peopleById(relationship);
  const problems: GovernanceProblem[] = [];
  for (const side of ['client', 'provider'] as const) {
    agreement[side].forEach((personId, index) => {
      const path = [...at, 'goal_agreement', side, index];
      const person = people.get(personId);
      if (person && person.side !== side) {
        problems.push(
          problemAt(
            locate,
            path,
            `${personId} is on the ${person.side} side and cannot agree goals for the ${side}`,
          ),
        );
      }
      if (side === 'provider' && agreement.client.includes(personId)) {
        problems.push(
          problemAt(locate, path, `${personId} cannot agree goals for both the client and the provider`),
        );
      }
    });
  }
  return problems;
};

const rules: Rule[] = [
  goalAgreementSides,
  levelWithoutApprover,
  approverWithoutIdentity,
  sharedPlatformIdentity,
  unreachableChain,
];

/** The rules beyond the schema that keep every escalation deliverable. Expects a parsed file. */
export function lintGovernance(file: GovernanceFile, locate: Locate): GovernanceProblem[] {
  return sortByLine(
    file.relationships.flatMap((relationship, index) =>
      rules.flatMap((rule) => rule(relationship, ['relationships', index], locate)),
    ),
  );
}

/** Parse and lint: what validate, plan and apply all check before they touch anything. */
export function validateGovernance(text: string): ParsedGovernance {
  const parsed = parseGovernance(text);
  if (!parsed.ok) return parsed;
  const errors = lintGovernance(parsed.file, parsed.locate);
  return errors.length > 0 ? { ok: false, errors } : parsed;
}
