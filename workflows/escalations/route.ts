import type { Absence, Level } from '../core/directory';

/** Who decides at a level: the approver, or a delegate deciding for an away approver. */
export type Decider = { personId: string; forApprover?: string };

export type LevelRoute = {
  deciders: Decider[];
  skipped: { personId: string; reason: 'raiser' | 'away' }[];
  /** Approvals that decide the level: the quorum, or every decider for `all` (stored as 0). */
  approvalsNeeded: number;
};

/**
 * Pure: who decides at a level now. The raiser never decides their own escalation; an away approver
 * is replaced by their delegate, or skipped when they have none.
 */
export function routeLevel(level: Level, raiser: string, absences: Absence[], now: Date): LevelRoute {
  const awayNow = new Map(
    absences
      .filter((absence) => absence.until.getTime() > now.getTime())
      .map((absence) => [absence.personId, absence]),
  );
  const deciders: Decider[] = [];
  const skipped: LevelRoute['skipped'] = [];
  for (const approver of level.approvers) {
    if (approver === raiser) {
      skipped.push({ personId: approver, reason: 'raiser' });
      continue;
    }
    const absence = awayNow.get(approver);
    if (!absence) {
      deciders.push({ personId: approver });
    } else if (absence.delegateId && absence.delegateId !== raiser) {
      deciders.push({ personId: absence.delegateId, forApprover: approver });
    } else {
      skipped.push({ personId: approver, reason: 'away' });
    }
  }
  const approvalsNeeded = level.quorum === 0 ? deciders.length : Math.min(level.quorum, deciders.length);
  return { deciders, skipped, approvalsNeeded };
}

/** The decider record for a person at a level, if they may decide there. */
export const deciderFor = (route: LevelRoute, personId: string) =>
  route.deciders.find((decider) => decider.personId === personId);

/** Pure: the level an escalation moves to from `position`, skipping levels with nobody reachable. */
export function nextReachableLevel(
  levels: Level[],
  position: number,
  raiser: string,
  absences: Absence[],
  now: Date,
): { level: Level; route: LevelRoute; passed: Level[] } | undefined {
  const passed: Level[] = [];
  for (const level of levels.filter((candidate) => candidate.position > position)) {
    const route = routeLevel(level, raiser, absences, now);
    if (route.deciders.length > 0) return { level, route, passed };
    passed.push(level);
  }
  return undefined;
}
