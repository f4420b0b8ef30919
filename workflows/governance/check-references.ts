import { laddersOf } from './governance-ladders';
import {
  type GovernanceProblem,
  type Locate,
  type PathSegment,
  problemAt,
  suggestion,
} from './governance-problem';
import type { GovernanceFile, GovernanceRelationship } from './governance-schema';

/** Ids are unique where they are keys, and every person named in a role is a person of the relationship. */
export function checkReferences(file: GovernanceFile, locate: Locate): GovernanceProblem[] {
  const problems = uniqueIds(
    file.relationships.map((relationship, index) => ({
      id: relationship.id,
      path: ['relationships', index, 'id'],
    })),
    'relationship',
    locate,
  );
  file.relationships.forEach((relationship, index) => {
    problems.push(...checkRelationship(relationship, ['relationships', index], locate));
  });
  return problems;
}

function checkRelationship(
  relationship: GovernanceRelationship,
  at: PathSegment[],
  locate: Locate,
): GovernanceProblem[] {
  const ids = (kind: 'people' | 'reviews' | 'goals') =>
    relationship[kind].map((entry, index) => ({ id: entry.id, path: [...at, kind, index, 'id'] }));
  const problems = [
    ...uniqueIds(ids('people'), 'person', locate),
    ...uniqueIds(ids('reviews'), 'review', locate),
    ...uniqueIds(ids('goals'), 'goal', locate),
  ];
  const people = new Set(relationship.people.map((person) => person.id));
  const reference = (personId: string, path: PathSegment[]) => {
    if (!people.has(personId)) {
      problems.push(problemAt(locate, path, `unknown person "${personId}"${suggestion(personId, people)}`));
    }
  };
  const list = (personIds: readonly string[], path: PathSegment[]) => {
    personIds.forEach((personId, index) => {
      reference(personId, [...path, index]);
    });
    problems.push(...repeatedEntries(personIds, path, locate));
  };

  const { escalation } = relationship;
  reference(escalation.executive, [...at, 'escalation', 'executive']);
  for (const ladder of laddersOf(relationship, at))
    ladder.levels.forEach((level, index) => {
      const levelPath = [...ladder.path, index];
      list(level.approvers, [...levelPath, 'approvers']);
      const approvers = new Set(level.approvers).size;
      if (typeof level.quorum === 'number' && approvers > 0 && level.quorum > approvers) {
        problems.push(
          problemAt(
            locate,
            [...levelPath, 'quorum'],
            `quorum ${level.quorum} is more than the ${approvers} approver${approvers === 1 ? '' : 's'} of this level`,
          ),
        );
      }
    });
  relationship.goals.forEach((goal, index) => {
    reference(goal.owner, [...at, 'goals', index, 'owner']);
  });
  relationship.reviews.forEach((review, index) => {
    list(review.attendees, [...at, 'reviews', index, 'attendees']);
  });
  if (relationship.issue_list) {
    list(relationship.issue_list.approvers, [...at, 'issue_list', 'approvers']);
    list(relationship.issue_list.stakeholders, [...at, 'issue_list', 'stakeholders']);
  }
  if (relationship.goal_agreement) {
    list(relationship.goal_agreement.client, [...at, 'goal_agreement', 'client']);
    list(relationship.goal_agreement.provider, [...at, 'goal_agreement', 'provider']);
  }
  return problems;
}

function uniqueIds(
  entries: { id: string; path: PathSegment[] }[],
  kind: string,
  locate: Locate,
): GovernanceProblem[] {
  const firstLine = new Map<string, number>();
  const problems: GovernanceProblem[] = [];
  for (const { id, path } of entries) {
    const line = firstLine.get(id);
    if (line === undefined) firstLine.set(id, locate(path));
    else problems.push(problemAt(locate, path, `duplicate ${kind} id "${id}" (first used on line ${line})`));
  }
  return problems;
}

function repeatedEntries(
  personIds: readonly string[],
  path: PathSegment[],
  locate: Locate,
): GovernanceProblem[] {
  return personIds.flatMap((personId, index) =>
    personIds.indexOf(personId) < index
      ? [problemAt(locate, [...path, index], `"${personId}" is listed twice`)]
      : [],
  );
}
