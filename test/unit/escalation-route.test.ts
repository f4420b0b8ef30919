import { describe, expect, it } from 'vitest';
import type { Level } from '../../workflows/core/directory';
import { deciderFor, nextReachableLevel, routeLevel } from '../../workflows/escalations/route';

const now = new Date('2026-12-01T10:00:00Z');
const later = new Date('2026-12-08T10:00:00Z');
const earlier = new Date('2026-11-20T10:00:00Z');

const level = (position: number, approvers: string[], quorum = 1): Level => ({
  relationshipId: 'acme',
  ladder: '',
  position,
  name: `Level ${position}`,
  quorum,
  respondWithinSeconds: 3600,
  approvers,
  createdAt: now,
  updatedAt: now,
  retiredAt: null,
});

describe('routing one escalation level', () => {
  it('asks every approver, and needs the quorum of approvals', () => {
    const route = routeLevel(level(1, ['bob', 'dave'], 1), 'alice', [], now);
    expect(route.deciders).toEqual([{ personId: 'bob' }, { personId: 'dave' }]);
    expect(route.approvalsNeeded).toBe(1);
  });

  it('needs every decider for quorum "all" (stored as 0), and never more approvals than deciders', () => {
    expect(routeLevel(level(1, ['bob', 'carol', 'dave'], 0), 'alice', [], now).approvalsNeeded).toBe(3);
    expect(routeLevel(level(1, ['bob', 'dave'], 3), 'dave', [], now).approvalsNeeded).toBe(1);
  });

  it('never lets the raiser decide, even as an approver of the level', () => {
    const route = routeLevel(level(1, ['bob', 'dave'], 0), 'dave', [], now);
    expect(route.deciders).toEqual([{ personId: 'bob' }]);
    expect(route.skipped).toEqual([{ personId: 'dave', reason: 'raiser' }]);
    expect(deciderFor(route, 'dave')).toBeUndefined();
  });

  it('sends an away approver’s requests to their delegate, who decides for them', () => {
    const route = routeLevel(
      level(2, ['carol']),
      'alice',
      [{ personId: 'carol', until: later, delegateId: 'erin' }],
      now,
    );
    expect(route.deciders).toEqual([{ personId: 'erin', forApprover: 'carol' }]);
  });

  it('skips an away approver with no delegate, or whose delegate raised the escalation', () => {
    expect(
      routeLevel(level(2, ['carol']), 'alice', [{ personId: 'carol', until: later, delegateId: null }], now)
        .deciders,
    ).toEqual([]);
    expect(
      routeLevel(level(2, ['carol']), 'erin', [{ personId: 'carol', until: later, delegateId: 'erin' }], now)
        .deciders,
    ).toEqual([]);
  });

  it('ignores an absence that has ended', () => {
    const route = routeLevel(
      level(2, ['carol']),
      'alice',
      [{ personId: 'carol', until: earlier, delegateId: 'erin' }],
      now,
    );
    expect(route.deciders).toEqual([{ personId: 'carol' }]);
  });

  it('moves past levels with nobody reachable, and reports them', () => {
    const levels = [level(1, ['dave']), level(2, ['carol']), level(3, ['erin'])];
    const next = nextReachableLevel(
      levels,
      1,
      'alice',
      [{ personId: 'carol', until: later, delegateId: null }],
      now,
    );
    expect(next?.level.position).toBe(3);
    expect(next?.passed.map((passed) => passed.position)).toEqual([2]);
    expect(nextReachableLevel(levels, 3, 'alice', [], now)).toBeUndefined();
  });
});
