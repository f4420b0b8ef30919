import { eq } from 'drizzle-orm';
import { escalations } from '../../db/schema/escalations';
import type { DeliveryFailureHandler } from '../core/deliver-notice';
import { directMessageTo } from '../core/directory';
import { escalationDirectory } from './escalation-directory';
import { tell } from './escalation-engine';
import { nameOf, reference } from './escalation-notices';

/**
 * A message about an escalation could never be delivered (unknown user, bot not installed): the
 * timeline already records it; the executive is told who could not be reached.
 */
export const onEscalationDeliveryFailure: DeliveryFailureHandler = async (failure, work) => {
  const escalationId = Number(failure.topic.split(':')[1]);
  const [escalation] = await work.tx.select().from(escalations).where(eq(escalations.id, escalationId));
  const directory =
    escalation && (await escalationDirectory(work.tx, escalation.relationshipId, escalation.goalId));
  if (!escalation || !directory) return;
  const executive = directory.executive ? directory.people.get(directory.executive) : undefined;
  const executiveAddress = executive && JSON.stringify(directMessageTo(executive));
  if (executiveAddress === JSON.stringify(failure.recipient)) return;
  const person = [...directory.people.values()].find(
    (candidate) => JSON.stringify(directMessageTo(candidate)) === JSON.stringify(failure.recipient),
  );
  const who = person ? nameOf(directory, person.id) : 'the governance channel';
  tell(
    work,
    escalation,
    directory,
    directory.executive,
    `${who} could not be reached about ${reference(escalation.id)}: ${failure.error}.`,
  );
};
