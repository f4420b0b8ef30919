import { and, eq, sql } from 'drizzle-orm';
import { people } from '../../db/schema/directory';
import { escalations } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import { directMessageTo, type RelationshipDirectory } from '../core/directory';
import type { TimerHandler } from '../core/timers';
import type { Work } from '../core/unit-of-work';
import { escalationDirectory } from './escalation-directory';
import {
  audit,
  briefExecutive,
  lockEscalations,
  postToChannels,
  requestDecisions,
  scheduleSla,
  slaDue,
  tell,
  topic,
} from './escalation-engine';
import { type Escalation, levelName, nameOf, reference } from './escalation-notices';
import { nextReachableLevel, routeLevel } from './route';

export const ROUTE_TIMER = 'escalation.route';
/** An escalation's routing timer: one per escalation, due when it is raised. */
export const routeTimerId = (escalationId: number | string) => `escalation-route.${escalationId}`;

/**
 * Sends a just-raised escalation to level 1, or to the first level above it with someone to decide:
 * the deciders get their requests, the governance channel its post, the executive a briefing, and
 * the raiser a message saying who it went to. The SLA counts from when it was raised. Runs once, in
 * the worker, as the timer the raise set for now; raises of one burst are routed in one batch and
 * share their reads of the directory.
 */
export function onEscalationRaised(clock: Clock): TimerHandler {
  const route: TimerHandler = async (timer, work) => {
    const { escalationId } = timer.payload as { escalationId: number };
    const raised = (await lockedOf(work, [escalationId])).get(escalationId);
    // Resolved before it was routed: there is nobody left to ask.
    if (raised?.status !== 'open') return;
    const { relationshipId, goalId, raisedBy } = raised;
    const directory = await work.memo(`escalation-directory:${relationshipId}:${goalId ?? ''}`, () =>
      escalationDirectory(work.tx, relationshipId, goalId),
    );
    const first = directory?.levels[0];
    if (!directory || !first) return closeUnroutable(work, raised, directory, clock.now());
    const now = clock.now();
    const firstRoute = routeLevel(first, raisedBy, directory.absences, now);
    const start =
      firstRoute.deciders.length > 0
        ? { level: first, route: firstRoute, passed: [] }
        : nextReachableLevel(directory.levels, first.position, raisedBy, directory.absences, now);
    const level = start?.level ?? directory.levels.at(-1) ?? first;
    // Locked by this batch: nothing else changed it since it was read.
    const escalation = {
      ...raised,
      level: level.position,
      slaDueAt: slaDue(directory, level, raised.createdAt),
    };
    (await levelsSet(work)).push({ id: escalation.id, level: escalation.level, due: escalation.slaDueAt });

    const reached = start ? requestDecisions(work, escalation, directory, start.route) : [];
    postToChannels(work, escalation, directory);
    if (escalation.slaDueAt) await scheduleSla(work, escalation, escalation.slaDueAt, { fresh: true });
    const passed = start ? (start.level === first ? [] : [first, ...start.passed]) : directory.levels;
    audit(work, escalation, raisedBy, 'raised', escalation.createdAt, {
      title: escalation.title,
      severity: escalation.severity,
      level: escalation.level,
      sentTo: reached,
      passed: passed.map((skipped) => skipped.position),
    });

    const ref = reference(escalation.id);
    const unreachable = passed.length
      ? ` Nobody could be reached at ${passed.map(levelName).join(', ')}${start ? '' : ': you decide it'}.`
      : '';
    briefExecutive(
      work,
      escalation,
      directory,
      `${nameOf(directory, raisedBy)} raised ${ref} at ${levelName(level)}.${unreachable}`,
      reached,
    );
    const sentTo = reached.map((personId) => nameOf(directory, personId));
    tell(
      work,
      escalation,
      directory,
      raisedBy,
      sentTo.length
        ? `${ref} went to ${sentTo.join(', ')} (${levelName(level)}).`
        : `${ref} could not reach anybody at any level, so ${nameOf(directory, directory.executive)} (the escalation executive) was told.`,
    );
  };
  // The batch's escalations, locked and read in one statement rather than one each.
  route.prepare = async (timers, work) => {
    await lockedOf(
      work,
      timers.map((timer) => (timer.payload as { escalationId: number }).escalationId),
    );
  };
  // Raised inside Slack's request: the raise adds no queue job; its statement notifies the workers.
  route.dueAtOnce = true;
  return route;
}

/** The escalations the batch routes, locked once for the whole batch (by `prepare`). */
const lockedOf = (work: Work, ids: number[]) =>
  work.memo('raised-escalations', () => lockEscalations(work.tx, ids));

/**
 * The levels and SLA due times the batch routed to, written as its work ends rather than one each:
 * the batch locked these rows, and nothing in it reads them back.
 */
const levelsSet = (work: Work) =>
  work.memo('routed-levels', async () => {
    const routed: { id: number; level: number; due: Date | null }[] = [];
    work.changeAtEnd({
      name: 'routed_levels',
      rows: routed,
      change: (rows) => sql`UPDATE escalations SET level = routed.level, sla_due_at = routed.due
        FROM jsonb_to_recordset(${rows}::jsonb) AS routed(id integer, level integer, due timestamptz)
        WHERE escalations.id = routed.id`,
    });
    return routed;
  });

/**
 * The relationship was retired, or lost its escalation levels, between the raise and its routing (the
 * workers were down while the governance file changed): nobody can be asked. Left open, it would wait
 * for a decision forever, so it is closed with the reason, and the raiser told, as is the executive
 * while the relationship has one.
 */
async function closeUnroutable(
  work: Work,
  raised: Escalation,
  directory: RelationshipDirectory | undefined,
  now: Date,
) {
  const reason = directory
    ? `${directory.relationship.name} has no escalation levels any more`
    : 'its relationship was retired';
  const [closed] = await work.tx
    .update(escalations)
    .set({
      status: 'resolved',
      resolvedAt: now,
      resolvedBy: 'accord',
      resolutionNote: `Not sent: ${reason}.`,
      version: raised.version + 1,
    })
    .where(eq(escalations.id, raised.id))
    .returning();
  if (!closed) throw new Error(`escalation ${raised.id} vanished while being closed`);
  audit(work, closed, 'accord', 'not_routed', now, { reason });
  const headline = `${reference(closed.id)} was not sent to anybody: ${reason}. It is closed; raise it again once there is an escalation plan.`;
  if (directory) {
    for (const personId of new Set([closed.raisedBy, directory.executive]))
      tell(work, closed, directory, personId, headline);
    return;
  }
  // Retired with its relationship, the raiser is still where they were.
  const [raiser] = await work.tx
    .select()
    .from(people)
    .where(and(eq(people.relationshipId, closed.relationshipId), eq(people.id, closed.raisedBy)));
  const recipient = raiser && directMessageTo(raiser);
  if (recipient)
    work.queueNoticeAtEnd(
      recipient,
      { title: headline, fallback: headline },
      { relationshipId: closed.relationshipId, topic: topic(closed.id) },
    );
}
