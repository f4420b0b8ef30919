import { eq } from 'drizzle-orm';
import { escalations } from '../../db/schema/escalations';
import type { Clock } from '../core/clock';
import { findMemberships, type PlatformIdentity } from '../core/directory';
import type { UnitOfWork } from '../core/unit-of-work';
import { escalationDirectory } from './escalation-directory';
import { audit, cancelSla, lockEscalation, refreshMessages, tell } from './escalation-engine';
import { EscalationError } from './escalation-errors';
import { nameOf, reference } from './escalation-notices';

export const NOTE_MAX = 3000;

/** `/escalate resolve ESC-12 <note>`: the raiser or the executive closes the escalation. */
export async function resolveEscalation(
  deps: { unitOfWork: UnitOfWork; clock: Clock },
  input: { actor: PlatformIdentity; escalationId: number; note: string },
): Promise<string> {
  const note = input.note.trim();
  if (note.length > NOTE_MAX) {
    throw new EscalationError(
      'invalid_input',
      `The note is too long: at most ${NOTE_MAX.toLocaleString('en')} characters.`,
      'note',
    );
  }
  return deps.unitOfWork(async (work) => {
    const now = deps.clock.now();
    const escalation = await lockEscalation(work.tx, input.escalationId);
    const memberships = await findMemberships(work.tx, input.actor);
    const membership = memberships.find((m) => m.relationshipId === escalation?.relationshipId);
    const directory =
      escalation &&
      membership &&
      (await escalationDirectory(work.tx, escalation.relationshipId, escalation.goalId));
    const ref = reference(input.escalationId);
    if (!escalation || !membership || !directory) {
      throw new EscalationError('unknown_escalation', `There is no escalation ${ref} in your relationships.`);
    }
    const actorId = membership.personId;
    if (actorId !== escalation.raisedBy && actorId !== directory.executive) {
      throw new EscalationError(
        'not_allowed',
        `Only ${nameOf(directory, escalation.raisedBy)} (who raised it) or ${nameOf(directory, directory.executive)} (the escalation executive) can resolve ${ref}.`,
      );
    }
    if (escalation.status === 'resolved') return `${ref} is already resolved.`;
    const [resolved] = await work.tx
      .update(escalations)
      .set({
        status: 'resolved',
        resolvedAt: now,
        resolvedBy: actorId,
        resolutionNote: note || null,
        slaDueAt: null,
        version: escalation.version + 1,
      })
      .where(eq(escalations.id, escalation.id))
      .returning();
    if (!resolved) throw new Error(`escalation ${escalation.id} vanished while being resolved`);
    await cancelSla(work, resolved);
    await refreshMessages(work, resolved, directory);
    audit(work, resolved, actorId, 'resolved', now, { note });
    const headline = `${ref} was resolved by ${nameOf(directory, actorId)}${note ? `: ${note}` : '.'}`;
    for (const personId of new Set([resolved.raisedBy, directory.executive])) {
      if (personId && personId !== actorId) tell(work, resolved, directory, personId, headline);
    }
    return `${ref} is resolved.`;
  });
}
