import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalations } from '../../db/schema/escalations';
import { outbox, timers } from '../../db/schema/jobs';
import type { Notice } from '../../workflows/core/notice';
import { fireDue } from '../../workflows/core/timers';
import {
  EscalationError,
  escalationJobs,
  raiseEscalation,
  raiseEscalationAs,
} from '../../workflows/escalations/index';
import { ROUTE_TIMER } from '../../workflows/escalations/route-raised';
import { applyGovernanceText } from '../../workflows/governance/index';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { unitOfWorkWithoutQueue } from '../support/unit-of-work';

const fixture = fileURLToPath(new URL('../fixtures/governance/escalations.yaml', import.meta.url));
/** A relationship whose escalation plan is taken away below (the file requires one). */
const quiet = `
  - id: quiet
    name: Quiet deal
    client: Acme Corp
    provider: Silent Ltd
    timezone: UTC
    people:
      - { id: quinn, name: Quinn Quiet, side: client, slack: U0QUINN }
    escalation:
      executive: quinn
      levels:
        - { name: Only, approvers: [quinn], respond_within: 1h }
`;

/** Relationships whose plan goes away after a raise and before its routing (below). */
const fading = ['fading', 'gone']
  .map(
    (id) => `
  - id: ${id}
    name: ${id === 'fading' ? 'Fading deal' : 'Gone deal'}
    client: Acme Corp
    provider: Fading Ltd
    timezone: UTC
    people:
      - { id: fay, name: Fay Raiser, side: client, slack: U0FAY${id.toUpperCase()} }
      - { id: fred, name: Fred Exec, side: provider, slack: U0FRED${id.toUpperCase()} }
    escalation:
      executive: fred
      levels:
        - { name: Only, approvers: [fred], respond_within: 1h }
`,
  )
  .join('');

/** A relationship whose SLA clocks run in London office hours only. */
const office = `
  - id: office
    name: Office hours deal
    client: Acme Corp
    provider: Nine Five Ltd
    timezone: Europe/London
    people:
      - { id: olga, name: Olga Raiser, side: client, slack: U0OLGA }
      - { id: otto, name: Otto Approver, side: provider, slack: U0OTTO }
    escalation:
      executive: otto
      levels:
        - { name: Only, approvers: [otto], respond_within: 4h }
      business_hours: { days: mon-fri, from: "09:00", to: "17:30" }
`;

describe('raising an escalation checks everything in the statement that stores it', () => {
  let database: TestDatabase;
  const deps = () => ({
    clock: { now: () => new Date() },
    unitOfWork: unitOfWorkWithoutQueue(database.db),
  });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof EscalationError ? error.code : error),
    );
  const stored = async () => (await database.db.select().from(escalations)).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    const text = `${await readFile(fixture, 'utf8')}${quiet}${fading}${office}`;
    await applyGovernanceText(database.db, text, { actor: 'test', source: 'escalations.yaml' });
    await database.pool.query(
      "UPDATE escalation_levels SET retired_at = now() WHERE relationship_id = 'quiet'",
    );
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('stores the escalation at its first level with a routing timer due now, for the workers to poll', async () => {
    const before = new Date();
    const raised = await raiseEscalation(deps(), {
      relationshipId: 'acme',
      raisedBy: 'alice',
      title: 'Orders lost',
      severity: 'high',
    });
    expect(raised.confirmation).toBe(
      `${raised.reference} is raised. I will message you who it went to in a moment.`,
    );
    expect(raised.reference).toBe(`ESC-${raised.escalationId}`);
    const [row] = await database.db.select().from(escalations).where(eq(escalations.id, raised.escalationId));
    expect(row).toMatchObject({
      relationshipId: 'acme',
      title: 'Orders lost',
      severity: 'high',
      level: 1,
      raisedBy: 'alice',
    });
    const [timer] = await database.db
      .select()
      .from(timers)
      .where(like(timers.id, `%.${raised.escalationId}`));
    expect(timer).toMatchObject({
      name: 'escalation.route',
      payload: { escalationId: raised.escalationId },
      firedAt: null,
      cancelledAt: null,
    });
    expect(timer?.dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(timer?.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("starts on a goal's own ladder when the escalation is about that goal", async () => {
    const raised = await raiseEscalation(deps(), {
      relationshipId: 'acme',
      raisedBy: 'alice',
      title: 'Uptime slipping',
      goalId: 'uptime',
    });
    const [row] = await database.db.select().from(escalations).where(eq(escalations.id, raised.escalationId));
    expect(row).toMatchObject({ goalId: 'uptime', level: 1 });
  });

  it('chooses the relationship of a platform user in the statement that stores the escalation', async () => {
    const as = (userId: string, channel?: string) =>
      raiseEscalationAs({ ...deps(), db: database.db }, { platform: 'slack', userId }, channel, {
        title: 'From chat',
      });
    const only = await as('U0GINA');
    expect(only.kind === 'raised' && only.reference).toMatch(/^ESC-\d+$/);
    const inChannel = await as('U0MIA', 'C0GOVERN');
    if (inChannel.kind !== 'raised') throw new Error('Mia, in the acme channel, should have raised');
    const [row] = await database.db
      .select()
      .from(escalations)
      .where(eq(escalations.id, inChannel.escalationId));
    expect(row).toMatchObject({ relationshipId: 'acme', raisedBy: 'mia' });

    const before = await stored();
    expect(await as('U0MIA', 'C0ELSEWHERE')).toMatchObject({
      kind: 'choose',
      choice: { kind: 'several', options: [{ relationshipId: 'acme' }, { relationshipId: 'fast' }] },
    });
    expect(await as('U0STRANGER')).toEqual({ kind: 'choose', choice: { kind: 'none' } });
    expect(await stored()).toBe(before);
  });

  it('raises made at once by many people are written together, each with its own relationship', async () => {
    // One bot: its raises share the statement that writes them under a burst.
    const bot = { ...deps(), db: database.db };
    const senders = [
      { userId: 'U0GINA', channel: undefined, expect: { relationshipId: 'fast', raisedBy: 'gina' } },
      { userId: 'U0ALICE', channel: undefined, expect: { relationshipId: 'acme', raisedBy: 'alice' } },
      { userId: 'U0MIA', channel: 'C0GOVERN', expect: { relationshipId: 'acme', raisedBy: 'mia' } },
      { userId: 'U0MIA', channel: undefined, expect: 'several' },
      { userId: 'U0NOBODY', channel: undefined, expect: 'none' },
      { userId: 'U0QUINN', channel: undefined, expect: 'no_escalation_plan' },
    ] as const;
    const calls = Array.from({ length: 36 }, (_, i) => {
      const sender = senders[i % senders.length] ?? senders[0];
      const title = `Burst ${i}`;
      return { sender, title };
    });
    const before = await stored();
    const results = await Promise.all(
      calls.map(({ sender, title }) =>
        raiseEscalationAs(bot, { platform: 'slack', userId: sender.userId }, sender.channel, { title }).then(
          (result) => result,
          (error: unknown) => {
            if (error instanceof EscalationError) return { kind: 'refused' as const, code: error.code };
            throw error;
          },
        ),
      ),
    );

    const references = new Set<string>();
    for (const [i, { sender, title }] of calls.entries()) {
      const result = results[i];
      if (typeof sender.expect === 'object') {
        if (result?.kind !== 'raised') throw new Error(`${title}: ${JSON.stringify(result)}`);
        references.add(result.reference);
        const [row] = await database.db
          .select()
          .from(escalations)
          .where(eq(escalations.id, result.escalationId));
        expect(row).toMatchObject({ ...sender.expect, title, level: 1 });
      } else if (sender.expect === 'no_escalation_plan') {
        expect(result).toEqual({ kind: 'refused', code: 'no_escalation_plan' });
      } else {
        expect(result).toMatchObject({ kind: 'choose', choice: { kind: sender.expect } });
      }
    }
    // Three of the six senders raise: 18 escalations, each with its own reference and routing timer.
    expect(references.size).toBe(18);
    expect((await stored()) - before).toBe(18);
    const routing = await database.db.select().from(timers).where(like(timers.id, 'escalation-route.%'));
    for (const reference of references)
      expect(routing.some((timer) => timer.id === `escalation-route.${reference.slice(4)}`)).toBe(true);
  });

  it('refuses, storing nothing, what a person can get wrong', async () => {
    const before = await stored();
    const raise = (input: Partial<Parameters<typeof raiseEscalation>[1]>) =>
      refusal(
        raiseEscalation(deps(), { relationshipId: 'acme', raisedBy: 'alice', title: 'Refused', ...input }),
      );
    expect(await raise({ relationshipId: 'nowhere' })).toBe('unknown_relationship');
    expect(await raise({ raisedBy: 'gina' })).toBe('not_in_directory');
    expect(await raise({ goalId: 'speed' })).toBe('unknown_goal');
    expect(await raise({ relationshipId: 'quiet', raisedBy: 'quinn' })).toBe('no_escalation_plan');
    expect(await raise({ title: '' })).toBe('invalid_input');
    expect(await stored()).toBe(before);
    expect(await database.db.select().from(timers).where(like(timers.id, 'escalation-route.%'))).toHaveLength(
      before,
    );
  });

  it('closes a raise whose plan went away before it was routed, and tells the raiser and the executive', async () => {
    const raise = (relationshipId: string) =>
      raiseEscalation(deps(), { relationshipId, raisedBy: 'fay', title: 'Left behind', severity: 'low' });
    const withoutLevels = await raise('fading');
    const retired = await raise('gone');
    // The workers were down while the file lost the plan of one and the relationship of the other.
    await database.pool.query(
      "UPDATE escalation_levels SET retired_at = now() WHERE relationship_id = 'fading'",
    );
    await database.pool.query("UPDATE relationships SET retired_at = now() WHERE id = 'gone'");
    await database.pool.query("UPDATE people SET retired_at = now() WHERE relationship_id = 'gone'");

    const { clock, unitOfWork } = deps();
    await fireDue(database.db, unitOfWork, new Map(escalationJobs(clock).timers), clock, ROUTE_TIMER, 50);

    /** The escalation as stored, and who was told what about it. */
    const outcome = async (raised: { escalationId: number }) => {
      const [row] = await database.db
        .select()
        .from(escalations)
        .where(eq(escalations.id, raised.escalationId));
      const told = await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.topic, `escalation:${raised.escalationId}`));
      return {
        status: row?.status,
        note: row?.resolutionNote,
        told: told
          .map((each) => [(each.recipient as { channel: string }).channel, (each.notice as Notice).fallback])
          .sort(),
      };
    };
    const closed = (ref: string, reason: string, told: string[]) => ({
      status: 'resolved',
      note: `Not sent: ${reason}.`,
      told: told.map((channel) => [
        channel,
        `${ref} was not sent to anybody: ${reason}. It is closed; raise it again once there is an escalation plan.`,
      ]),
    });
    expect(await outcome(withoutLevels)).toEqual(
      closed(withoutLevels.reference, 'Fading deal has no escalation levels any more', [
        'U0FAYFADING',
        'U0FREDFADING',
      ]),
    );
    expect(await outcome(retired)).toEqual(
      closed(retired.reference, 'its relationship was retired', ['U0FAYGONE']),
    );
  });

  it('counts the SLA in business hours: raised late on Friday, it is due on Monday morning', async () => {
    // Friday 9 January 2026, 16:00 in London: 1.5 of the 4 hours fall on Friday, the rest on Monday.
    const clock = { now: () => new Date('2026-01-09T16:00:00Z') };
    const unitOfWork = unitOfWorkWithoutQueue(database.db);
    const raised = await raiseEscalation(
      { clock, unitOfWork },
      { relationshipId: 'office', raisedBy: 'olga', title: 'Late Friday outage', severity: 'high' },
    );
    await fireDue(database.db, unitOfWork, new Map(escalationJobs(clock).timers), clock, ROUTE_TIMER, 50);

    const monday = new Date('2026-01-12T11:30:00Z');
    const [row] = await database.db.select().from(escalations).where(eq(escalations.id, raised.escalationId));
    expect(row?.slaDueAt).toEqual(monday);
    const [sla] = await database.db
      .select()
      .from(timers)
      .where(eq(timers.id, `escalation-sla.${raised.escalationId}.1`));
    expect(sla).toMatchObject({ name: 'escalation.sla', dueAt: monday, firedAt: null });
    const [request] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.topic, `escalation:${raised.escalationId}`))
      .then((rows) =>
        rows.filter((each) => (each.recipient as { channel?: string }).channel === 'U0OTTO' && each.urgent),
      );
    expect(JSON.stringify(request?.notice)).toContain('Mon 12 Jan');
  });
});
