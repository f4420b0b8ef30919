import { and, eq } from 'drizzle-orm';
import { risks } from '../../db/schema/risks';
import type { Clock } from '../core/clock';
import { directMessageTo, loadDirectory } from '../core/directory';
import type { TimerHandler } from '../core/timers';
import { audit } from './risk-engine';
import { reviewReminderNotice, riskTopic } from './risk-notices';

/**
 * The review date has come: the owner gets a direct message. A risk closed, or whose review date
 * moved, since the timer was set does nothing (a moved date has its own timer).
 */
export function onRiskReview(clock: Clock): TimerHandler {
  return async (timer, work) => {
    const { riskId, reviewDate } = timer.payload as { riskId?: number; reviewDate?: string };
    if (typeof riskId !== 'number') return;
    const [risk] = await work.tx
      .select()
      .from(risks)
      .where(and(eq(risks.id, riskId), eq(risks.status, 'open')))
      .for('update');
    if (!risk || risk.reviewDate !== reviewDate || !risk.owner) return;
    const directory = await loadDirectory(work.tx, risk.relationshipId);
    const owner = directory?.people.get(risk.owner);
    const recipient = owner && directMessageTo(owner);
    if (!directory || !recipient) return;
    const command = recipient.platform === 'slack' ? '/risk' : 'risk';
    await work.queueNotice(recipient, reviewReminderNotice(risk, directory, command), {
      relationshipId: risk.relationshipId,
      topic: riskTopic(risk.id),
    });
    await audit(work, risk, 'accord', 'review_reminded', clock.now(), { owner: risk.owner, reviewDate });
  };
}
