import { eq } from 'drizzle-orm';
import { escalations } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import type { TimerHandler } from '../core/timers';
import { escalationDirectory } from './escalation-directory';
import {
  audit,
  briefExecutive,
  lockEscalation,
  MAX_TOP_REMINDERS,
  moveUp,
  scheduleSla,
  slaDue,
} from './escalation-engine';
import { nameOf, reference } from './escalation-notices';

/**
 * A level's SLA ran out. If the escalation is still open at that level it moves up; at the top the
 * executive is reminded, at most MAX_TOP_REMINDERS times. A timer for a level the escalation has
 * left, or for a decided escalation, does nothing.
 */
export function onSlaBreach(clock: Clock): TimerHandler {
  return async (timer, work) => {
    const { escalationId, level } = timer.payload as { escalationId: number; level: number };
    const escalation = await lockEscalation(work.tx, escalationId);
    if (escalation?.status !== 'open' || escalation.level !== level) return;
    const directory = await escalationDirectory(work.tx, escalation.relationshipId, escalation.goalId);
    if (!directory) return;
    const now = clock.now();
    const moved = await moveUp(work, escalation, directory, { kind: 'sla_breached' }, now);
    if (moved) return;
    if (escalation.topReminders >= MAX_TOP_REMINDERS) return;
    const attempt = escalation.topReminders + 1;
    const [reminded] = await work.tx
      .update(escalations)
      .set({ topReminders: attempt, version: escalation.version + 1 })
      .where(eq(escalations.id, escalation.id))
      .returning();
    if (!reminded) return;
    const top = directory.levels.find((candidate) => candidate.position === escalation.level);
    if (attempt < MAX_TOP_REMINDERS && top)
      await scheduleSla(work, reminded, slaDue(directory, top, now), { attempt });
    audit(work, reminded, 'accord', 'executive_reminded', now, { attempt });
    briefExecutive(
      work,
      reminded,
      directory,
      `Reminder ${attempt} of ${MAX_TOP_REMINDERS}: ${reference(reminded.id)} is at the top level with no decision. ${nameOf(directory, directory.executive)}, please decide it.`,
    );
  };
}
