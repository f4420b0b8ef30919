import type { PathSegment } from './governance-problem';
import type { GovernanceRelationship } from './governance-schema';

type Level = GovernanceRelationship['escalation']['levels'][number];

/** The relationship's escalation levels, and those of each goal that names its own, with their paths. */
export function laddersOf(
  relationship: GovernanceRelationship,
  at: PathSegment[],
): { levels: Level[]; path: PathSegment[] }[] {
  return [
    { levels: relationship.escalation.levels, path: [...at, 'escalation', 'levels'] },
    ...relationship.goals.flatMap((goal, index) =>
      goal.escalation_levels
        ? [{ levels: goal.escalation_levels, path: [...at, 'goals', index, 'escalation_levels'] }]
        : [],
    ),
  ];
}
