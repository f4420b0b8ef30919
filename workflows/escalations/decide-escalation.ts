import { and, eq } from 'drizzle-orm';
import { escalationDecisions, escalations } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import { type PlatformIdentity, personOf, type RelationshipDirectory } from '../core/directory';
import type { Notice } from '../core/notice';
import type { UnitOfWork, Work } from '../core/unit-of-work';
import { escalationDirectory } from './escalation-directory';
import { audit, cancelSla, lockEscalation, moveUp, refreshMessages, tell } from './escalation-engine';
import { EscalationError } from './escalation-errors';
import {
  approverClosed,
  approverRequest,
  type Escalation,
  escalationSummary,
  nameOf,
  reference,
} from './escalation-notices';
import { deciderFor, routeLevel } from './route';

export type Decision = 'approve' | 'reject' | 'escalate';

export type DecideResult = {
  outcome:
    | 'approved'
    | 'rejected'
    | 'approval_recorded'
    | 'moved_up'
    | 'at_top'
    | 'own_escalation'
    | 'not_an_approver'
    | 'already_decided'
    | 'escalation_closed'
    | 'escalation_moved_on';
  /** The private answer to the person who clicked. */
  message: string;
  /** What the clicked message should show now; absent when it was not the clicker's to change. */
  current?: Notice;
};

/**
 * One click on Approve, Reject or Escalate now. The escalation row is locked, so a double click or
 * the same click on two instances makes one decision; anything stale or foreign changes nothing and
 * gets a private explanation with the message as it should look now.
 */
export async function decideEscalation(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: {
    escalationId: number;
    shownLevel: number;
    decision: Decision;
    actor: PlatformIdentity;
    reason?: string;
  },
): Promise<DecideResult> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const escalation = await lockEscalation(work.tx, input.escalationId);
    const directory =
      escalation && (await escalationDirectory(work.tx, escalation.relationshipId, escalation.goalId));
    if (!escalation || !directory) {
      throw new EscalationError(
        'unknown_escalation',
        `There is no escalation ${reference(input.escalationId)}.`,
      );
    }
    const ref = reference(escalation.id);
    const actorId = personOf(directory, input.actor);
    const viewer = actorId ? directory.people.get(actorId) : undefined;
    const view = (current: Escalation) =>
      current.status === 'open' && current.level === input.shownLevel && actorId
        ? approverRequest(current, directory, viewer)
        : approverClosed(current, directory, viewer, input.shownLevel);
    const refuse = (outcome: DecideResult['outcome'], message: string): DecideResult => ({
      outcome,
      message,
      ...(outcome === 'not_an_approver' || outcome === 'own_escalation' ? {} : { current: view(escalation) }),
    });

    if (!actorId)
      return refuse(
        'not_an_approver',
        `You are not part of ${directory.relationship.name}, so you cannot decide ${ref}.`,
      );
    if (escalation.status !== 'open') {
      return refuse('escalation_closed', `${ref} is already ${escalation.status}; nothing was changed.`);
    }
    if (escalation.level !== input.shownLevel) {
      return refuse(
        'escalation_moved_on',
        `${ref} has moved on to level ${escalation.level}; your decision from level ${input.shownLevel} was not recorded.`,
      );
    }
    if (actorId === escalation.raisedBy) {
      return refuse('own_escalation', `You raised ${ref}, so you cannot decide it: the other approvers do.`);
    }
    const level = directory.levels.find((candidate) => candidate.position === escalation.level);
    const route = level && routeLevel(level, escalation.raisedBy, directory.absences, now);
    const decider = route && deciderFor(route, actorId);
    const isExecutive = actorId === directory.executive;
    if (!decider && !isExecutive) {
      const names = route?.deciders.map((d) => nameOf(directory, d.personId)).join(', ') || 'nobody';
      return refuse(
        'not_an_approver',
        `Only the approvers of level ${escalation.level} (${names}) or the escalation executive (${nameOf(directory, directory.executive)}) can decide ${ref}.`,
      );
    }
    const inserted = await work.tx
      .insert(escalationDecisions)
      .values({
        escalationId: escalation.id,
        level: escalation.level,
        decision: input.decision,
        personId: actorId,
        onBehalfOf: decider?.forApprover,
        reason: input.reason?.trim() || null,
        at: now,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return refuse('already_decided', `You already decided ${ref} at this level.`);
    const onBehalf = decider?.forApprover ? ` for ${nameOf(directory, decider.forApprover)}` : '';

    if (input.decision === 'escalate') {
      const moved = await moveUp(
        work,
        escalation,
        directory,
        { kind: 'escalated_now', by: actorId, reason: input.reason },
        now,
      );
      if (!moved) {
        tell(
          work,
          escalation,
          directory,
          directory.executive,
          `${nameOf(directory, actorId)} asked to escalate ${ref}, which is already at the top level.`,
        );
        return refuse(
          'at_top',
          `${ref} is already at the top level; ${nameOf(directory, directory.executive)} (the escalation executive) has been told.`,
        );
      }
      return {
        outcome: 'moved_up',
        message: `${ref} moved up to level ${moved.level.position} (${moved.level.name}).`,
        current: view(moved.escalation),
      };
    }

    if (input.decision === 'approve' && !isExecutive && route) {
      const approvals = await work.tx
        .select()
        .from(escalationDecisions)
        .where(
          and(
            eq(escalationDecisions.escalationId, escalation.id),
            eq(escalationDecisions.level, escalation.level),
            eq(escalationDecisions.decision, 'approve'),
          ),
        );
      if (approvals.length < route.approvalsNeeded) {
        const [counted] = await work.tx
          .update(escalations)
          .set({ version: escalation.version + 1 })
          .where(eq(escalations.id, escalation.id))
          .returning();
        audit(work, escalation, actorId, 'approval_recorded', now, {
          onBehalfOf: decider?.forApprover,
          approvals: approvals.length,
          needed: route.approvalsNeeded,
        });
        return {
          outcome: 'approval_recorded',
          message: `Your approval of ${ref}${onBehalf} is recorded: ${approvals.length} of ${route.approvalsNeeded} needed.`,
          current: escalationSummary(
            counted ?? escalation,
            directory,
            viewer,
            `You approved${onBehalf}: ${approvals.length} of ${route.approvalsNeeded} approvals so far.`,
          ),
        };
      }
    }
    const decided = await close(
      work,
      escalation,
      directory,
      input.decision === 'approve' ? 'approved' : 'rejected',
      actorId,
      input.reason,
      now,
    );
    audit(work, decided, actorId, decided.status, now, {
      onBehalfOf: decider?.forApprover,
      reason: decided.decisionReason,
    });
    return {
      outcome: decided.status === 'approved' ? 'approved' : 'rejected',
      message: `You ${decided.status} ${ref}${onBehalf}.`,
      current: view(decided),
    };
  });
}

async function close(
  work: Work,
  escalation: Escalation,
  directory: RelationshipDirectory,
  status: 'approved' | 'rejected',
  actorId: string,
  reason: string | undefined,
  now: Date,
): Promise<Escalation> {
  const [decided] = await work.tx
    .update(escalations)
    .set({
      status,
      decidedAt: now,
      decidedBy: actorId,
      decisionReason: reason?.trim() || null,
      slaDueAt: null,
      version: escalation.version + 1,
    })
    .where(eq(escalations.id, escalation.id))
    .returning();
  if (!decided) throw new Error(`escalation ${escalation.id} vanished while being decided`);
  await cancelSla(work, decided);
  await refreshMessages(work, decided, directory);
  const headline = `${reference(decided.id)} was ${status} by ${nameOf(directory, actorId)}.`;
  tell(work, decided, directory, decided.raisedBy, headline);
  if (directory.executive !== actorId) tell(work, decided, directory, directory.executive, headline);
  return decided;
}
