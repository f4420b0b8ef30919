/** The pure rule of mutual agreement (Gartner step 3): each side speaks for itself, per round. */

export type Side = 'client' | 'provider';
export const SIDES: readonly Side[] = ['client', 'provider'];

/** Who agrees goals for each side: roles `agree` of `goals:client` and `goals:provider`. */
export type Agreers = Record<Side, readonly string[]>;

export type Answer = {
  round: number;
  side: Side;
  personId: string;
  decision: 'agree' | 'reject' | 'change';
  note?: string | null;
  at: Date;
};

export type SideState =
  | { status: 'waiting' }
  | { status: 'agreed' | 'rejected'; personId: string; note?: string | null; at: Date };

export type Agreement = { client: SideState; provider: SideState; agreed: boolean };

/**
 * The side a person agrees for: the one list naming them. Someone on both lists (the governance
 * lint refuses it, but a rule must not trust its input) agrees for neither, so nobody can ever
 * make both sides agree alone.
 */
export function sideOf(agreers: Agreers, personId: string): Side | undefined {
  const sides = SIDES.filter((side) => agreers[side].includes(personId));
  return sides.length === 1 ? sides[0] : undefined;
}

/**
 * Each side's standing in a round: its latest agree or reject by someone who agrees for that side
 * now. Answers of other rounds, of people no longer agreers, or recorded for a side the person
 * does not agree for, do not count. Agreed when both sides agreed, by two different people.
 */
export function agreementIn(answers: readonly Answer[], round: number, agreers: Agreers): Agreement {
  const state = (side: Side): SideState => {
    const counted = answers.filter(
      (answer) =>
        answer.round === round &&
        answer.side === side &&
        answer.decision !== 'change' &&
        sideOf(agreers, answer.personId) === side,
    );
    const latest = counted.reduce<Answer | undefined>(
      (last, answer) => (!last || answer.at.getTime() >= last.at.getTime() ? answer : last),
      undefined,
    );
    if (!latest) return { status: 'waiting' };
    return {
      status: latest.decision === 'agree' ? 'agreed' : 'rejected',
      personId: latest.personId,
      note: latest.note ?? null,
      at: latest.at,
    };
  };
  const client = state('client');
  const provider = state('provider');
  const agreed =
    client.status === 'agreed' && provider.status === 'agreed' && client.personId !== provider.personId;
  return { client, provider, agreed };
}
