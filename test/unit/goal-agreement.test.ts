import { describe, expect, it } from 'vitest';
import { type Agreers, type Answer, agreementIn, sideOf } from '../../workflows/goals/agreement';

const agreers: Agreers = { client: ['carol', 'dave'], provider: ['bob'] };
let clock = 0;
const answer = (personId: string, side: Answer['side'], decision: Answer['decision'], round = 1): Answer => ({
  personId,
  side,
  decision,
  round,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)),
});

describe('which sides have agreed a goal in its current round', () => {
  it('waits for both sides, and is agreed only when both agreed', () => {
    expect(agreementIn([], 1, agreers)).toMatchObject({
      client: { status: 'waiting' },
      provider: { status: 'waiting' },
      agreed: false,
    });
    const one = agreementIn([answer('carol', 'client', 'agree')], 1, agreers);
    expect(one).toMatchObject({ client: { status: 'agreed', personId: 'carol' }, agreed: false });
    const both = agreementIn(
      [answer('carol', 'client', 'agree'), answer('bob', 'provider', 'agree')],
      1,
      agreers,
    );
    expect(both).toMatchObject({ provider: { status: 'agreed', personId: 'bob' }, agreed: true });
  });

  it('counts only answers of the current round: a change resets both sides', () => {
    const answers = [
      answer('carol', 'client', 'agree', 1),
      answer('bob', 'provider', 'change', 1),
      answer('bob', 'provider', 'agree', 2),
    ];
    expect(agreementIn(answers, 1, agreers)).toMatchObject({ client: { status: 'agreed' }, agreed: false });
    expect(agreementIn(answers, 2, agreers)).toMatchObject({
      client: { status: 'waiting' },
      provider: { status: 'agreed' },
      agreed: false,
    });
  });

  it("takes a side's latest answer, whoever of its agreers gave it", () => {
    const rejected = [answer('carol', 'client', 'agree'), answer('dave', 'client', 'reject')];
    expect(agreementIn(rejected, 1, agreers).client).toMatchObject({ status: 'rejected', personId: 'dave' });
    const overturned = [answer('dave', 'client', 'reject'), answer('carol', 'client', 'agree')];
    expect(agreementIn(overturned, 1, agreers).client).toMatchObject({ status: 'agreed', personId: 'carol' });
  });

  it('never counts an answer for a side the person does not agree for', () => {
    const foreign = [answer('carol', 'client', 'agree'), answer('carol', 'provider', 'agree')];
    expect(agreementIn(foreign, 1, agreers)).toMatchObject({
      provider: { status: 'waiting' },
      agreed: false,
    });
    const stranger = [answer('carol', 'client', 'agree'), answer('alice', 'provider', 'agree')];
    expect(agreementIn(stranger, 1, agreers).agreed).toBe(false);
  });

  it('lets nobody agree for both sides, even if both lists name them', () => {
    const twice: Agreers = { client: ['carol'], provider: ['carol', 'bob'] };
    expect(sideOf(twice, 'carol')).toBeUndefined();
    expect(sideOf(twice, 'bob')).toBe('provider');
    expect(sideOf(agreers, 'alice')).toBeUndefined();
    const alone = [answer('carol', 'client', 'agree'), answer('carol', 'provider', 'agree')];
    expect(agreementIn(alone, 1, twice).agreed).toBe(false);
  });

  it('drops the answers of someone who is no longer an agreer', () => {
    const answers = [answer('dave', 'client', 'agree'), answer('bob', 'provider', 'agree')];
    expect(agreementIn(answers, 1, { client: ['carol'], provider: ['bob'] })).toMatchObject({
      client: { status: 'waiting' },
      agreed: false,
    });
  });
});
