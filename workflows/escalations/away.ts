import { TZDate } from '@date-fns/tz';
import { and, eq, isNull } from 'drizzle-orm';
import { auditEvents } from '../../db/schema/audit';
import { absences } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import { findMemberships, loadDirectory, type PlatformIdentity } from '../core/directory';
import { formatInZone } from '../core/time-format';
import type { UnitOfWork } from '../core/unit-of-work';
import { EscalationError } from './escalation-errors';

/**
 * Marks a person away until a time, in every relationship they belong to. While away, their
 * requests go to the delegate, who decides in their place; with no delegate they are skipped.
 */
export async function setAway(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: { actor: PlatformIdentity; until: AwayUntil; delegate?: DelegateRef },
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const memberships = await findMemberships(work.tx, input.actor);
    if (memberships.length === 0) throw notInDirectory();
    const lines: string[] = [];
    for (const membership of memberships) {
      const directory = await loadDirectory(work.tx, membership.relationshipId);
      if (!directory) continue;
      const person = directory.people.get(membership.personId);
      const zone = person?.timezone ?? directory.relationship.timezone;
      const until = endOfAbsence(input.until, now, zone);
      if (until.getTime() <= now.getTime()) {
        throw new EscalationError('invalid_input', 'The end of your absence must be in the future.', 'until');
      }
      let delegateId: string | undefined;
      if (input.delegate) {
        const wanted = input.delegate;
        delegateId = [...directory.people.values()].find((candidate) =>
          'personId' in wanted
            ? candidate.id === wanted.personId
            : 'slackUserId' in wanted
              ? candidate.slackUserId === wanted.slackUserId
              : candidate.teamsAadObjectId === wanted.aadObjectId,
        )?.id;
        if (!delegateId) {
          throw new EscalationError(
            'unknown_person',
            `Your delegate is not a person of ${directory.relationship.name}.`,
            'delegate',
          );
        }
        if (delegateId === membership.personId) {
          throw new EscalationError('invalid_input', 'You cannot be your own delegate.', 'delegate');
        }
      }
      await work.tx
        .update(absences)
        .set({ endedAt: now })
        .where(
          and(
            eq(absences.relationshipId, membership.relationshipId),
            eq(absences.personId, membership.personId),
            isNull(absences.endedAt),
          ),
        );
      await work.tx.insert(absences).values({
        relationshipId: membership.relationshipId,
        personId: membership.personId,
        until,
        delegateId,
        createdAt: now,
      });
      await work.tx.insert(auditEvents).values({
        at: now,
        relationshipId: membership.relationshipId,
        actor: membership.personId,
        kind: 'absence.started',
        subject: `person:${membership.relationshipId}/${membership.personId}`,
        data: { until: until.toISOString(), delegate: delegateId ?? null },
      });
      const shown = formatInZone(until, zone);
      const delegate = delegateId ? (directory.people.get(delegateId)?.name ?? delegateId) : undefined;
      lines.push(
        `${directory.relationship.name}: away until ${shown}; ${delegate ? `${delegate} decides in your place` : 'your requests skip you (no delegate)'}.`,
      );
    }
    return lines.join('\n');
  });
}

/** Ends an absence early, in every relationship. */
export async function setBack(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: { actor: PlatformIdentity },
): Promise<string> {
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const memberships = await findMemberships(work.tx, input.actor);
    if (memberships.length === 0) throw notInDirectory();
    let ended = 0;
    for (const membership of memberships) {
      const rows = await work.tx
        .update(absences)
        .set({ endedAt: now })
        .where(
          and(
            eq(absences.relationshipId, membership.relationshipId),
            eq(absences.personId, membership.personId),
            isNull(absences.endedAt),
          ),
        )
        .returning();
      ended += rows.length;
      if (rows.length > 0) {
        await work.tx.insert(auditEvents).values({
          at: now,
          relationshipId: membership.relationshipId,
          actor: membership.personId,
          kind: 'absence.ended',
          subject: `person:${membership.relationshipId}/${membership.personId}`,
        });
      }
    }
    return ended > 0 ? 'Welcome back: escalation requests come to you again.' : 'You were not marked away.';
  });
}

/** Away through a calendar date (until the next midnight in the person's zone), or for a span. */
export type AwayUntil = { date: string } | { seconds: number };
export type DelegateRef = { slackUserId: string } | { aadObjectId: string } | { personId: string };

function endOfAbsence(until: AwayUntil, now: Date, timeZone: string): Date {
  if ('seconds' in until) return new Date(now.getTime() + until.seconds * 1000);
  const [year = 0, month = 1, day = 1] = until.date.split('-').map(Number);
  return new Date(new TZDate(year, month - 1, day + 1, 0, 0, 0, timeZone).getTime());
}

const notInDirectory = () =>
  new EscalationError(
    'not_in_directory',
    'You are not in the governance directory of any relationship. Ask your administrator to add you to the governance file.',
  );
