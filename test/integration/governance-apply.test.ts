import { readFileSync } from 'node:fs';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  auditEvents,
  escalationLevels,
  goals,
  issueLists,
  people,
  relationships,
  reviewSeries,
  roles,
} from '../../db/schema/index';
import {
  applyGovernance,
  applyGovernanceText,
  formatPlan,
  formatProblems,
  type GovernanceFile,
  GovernanceInvalidError,
  planGovernance,
  validateGovernance,
} from '../../workflows/governance/index';
import { createTestDatabase, type TestDatabase } from '../support/database';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/governance/${name}`, import.meta.url), 'utf8');
const exampleText = fixture('example.yaml');

function parsedExample(): GovernanceFile {
  const result = validateGovernance(exampleText);
  if (!result.ok) throw new Error(formatProblems(result.errors));
  return result.file;
}

/** The example's only relationship, in a copy of the file that a test may change. */
function exampleVariant(
  change: (relationship: GovernanceFile['relationships'][number]) => void,
): GovernanceFile {
  const file = structuredClone(parsedExample());
  change(file.relationships[0] as GovernanceFile['relationships'][number]);
  return file;
}

const at = (day: number) => new Date(Date.UTC(2027, 0, day, 9));
const options = (day: number) => ({ actor: 'test', source: 'governance.yaml', now: at(day) });
const governedTables = [relationships, people, escalationLevels, roles, reviewSeries, goals, issueLists];

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

beforeEach(async () => {
  await database.db.execute(
    sql`TRUNCATE audit_events, roles, people, escalation_levels, review_series, goals, issue_lists, relationships CASCADE`,
  );
});

async function snapshot() {
  const tables = await Promise.all(governedTables.map((table) => database.db.select().from(table)));
  const audit = await database.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
  return { tables, audit };
}

async function auditOf(subject: string) {
  const rows = await database.db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.subject, subject))
    .orderBy(asc(auditEvents.id));
  return rows.map((row) => ({ kind: row.kind, data: row.data }));
}

async function person(id: string) {
  const [row] = await database.db.select().from(people).where(eq(people.id, id));
  return row;
}

describe('planGovernance and applyGovernance', () => {
  it('plans the whole file as additions without writing anything', async () => {
    const plan = await planGovernance(database.db, parsedExample());
    expect(plan).toHaveLength(32);
    expect(plan.every((change) => change.action === 'add')).toBe(true);
    expect(formatPlan(plan)).toContain('+ add person acme-globex/alice');
    expect(formatPlan(plan)).toMatch(/Plan: 32 to add, 0 to change, 0 to retire\.$/);
    expect((await snapshot()).tables.flat()).toEqual([]);
  });

  it('adds everything once; applying the same file again writes nothing', async () => {
    const first = await applyGovernanceText(database.db, exampleText, options(1));
    expect(first).toHaveLength(32);
    const counts = (await snapshot()).tables.map((rows) => rows.length);
    expect(counts).toEqual([1, 6, 3, 18, 2, 1, 1]);
    expect(await auditOf('person:acme-globex/alice')).toEqual([
      {
        kind: 'governance.add',
        data: {
          source: 'governance.yaml',
          fields: [
            { name: 'name', from: null, to: 'Alice Adams' },
            { name: 'side', from: null, to: 'client' },
            { name: 'slack', from: null, to: 'U0ALICE' },
            { name: 'email', from: null, to: 'alice@acme.example' },
          ],
        },
      },
    ]);
    const before = await snapshot();
    expect(before.audit).toHaveLength(32);

    expect(await applyGovernanceText(database.db, exampleText, options(2))).toEqual([]);
    expect(await snapshot()).toEqual(before);
    const updated = before.tables.flat().map((row) => (row as { updatedAt: Date }).updatedAt.getTime());
    expect(new Set(updated)).toEqual(new Set([at(1).getTime()]));
  });

  it('changes nothing for an invalid file', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const before = await snapshot();
    const applying = applyGovernanceText(database.db, fixture('unknown-approver.yaml'), options(2));
    await expect(applying).rejects.toBeInstanceOf(GovernanceInvalidError);
    await expect(applying).rejects.toMatchObject({
      problems: [
        {
          path: 'relationships[0].escalation.levels[1].approvers[0]',
          message: 'unknown person "carl"; did you mean "carol"?',
        },
      ],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('rolls back every write when one fails', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const before = await snapshot();
    // Not validated: the repeated approver makes the role insert fail after the person was written.
    const broken = exampleVariant((relationship) => {
      relationship.people.push({ id: 'gina', name: 'Gina', side: 'client', slack: 'U0GINA' });
      relationship.escalation.levels[0]?.approvers.push('gina', 'gina');
    });
    await expect(applyGovernance(database.db, broken, options(2))).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
  });

  it('retires a removed person and their roles, keeping the rows and their history', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const withoutFrank = exampleVariant((relationship) => {
      relationship.people = relationship.people.filter((entry) => entry.id !== 'frank');
      if (relationship.issue_list) {
        relationship.issue_list.stakeholders = relationship.issue_list.stakeholders.filter(
          (id) => id !== 'frank',
        );
      }
    });
    const plan = await applyGovernance(database.db, withoutFrank, options(2));
    expect(plan).toEqual([
      { action: 'retire', entity: 'person', relationshipId: 'acme-globex', key: 'frank' },
      {
        action: 'retire',
        entity: 'role',
        relationshipId: 'acme-globex',
        key: 'issue_list/stakeholder/frank',
      },
    ]);
    expect(formatPlan(plan)).toContain('- retire person acme-globex/frank');
    expect(await person('frank')).toMatchObject({
      retiredAt: at(2),
      createdAt: at(1),
      name: 'Frank Provider',
    });
    const [role] = await database.db.select().from(roles).where(eq(roles.personId, 'frank'));
    expect(role?.retiredAt).toEqual(at(2));
    expect((await auditOf('person:acme-globex/frank')).map((event) => event.kind)).toEqual([
      'governance.add',
      'governance.retire',
    ]);
    expect(await applyGovernance(database.db, withoutFrank, options(3))).toEqual([]);
  });

  it('restores a retired person who comes back, and says so in the plan', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const withoutFrank = exampleVariant((relationship) => {
      relationship.people = relationship.people.filter((entry) => entry.id !== 'frank');
      if (relationship.issue_list) relationship.issue_list.stakeholders.pop();
    });
    await applyGovernance(database.db, withoutFrank, options(2));
    const back = exampleVariant((relationship) => {
      const frank = relationship.people.find((entry) => entry.id === 'frank');
      if (frank) frank.name = 'Frank Returned';
    });
    const plan = await applyGovernance(database.db, back, options(3));
    expect(plan).toEqual([
      {
        action: 'restore',
        entity: 'person',
        relationshipId: 'acme-globex',
        key: 'frank',
        fields: [{ name: 'name', from: 'Frank Provider', to: 'Frank Returned' }],
      },
      {
        action: 'restore',
        entity: 'role',
        relationshipId: 'acme-globex',
        key: 'issue_list/stakeholder/frank',
      },
    ]);
    expect(formatPlan(plan)).toContain(
      '+ restore person acme-globex/frank name: "Frank Provider" -> "Frank Returned"',
    );
    expect(formatPlan(plan)).toContain('Plan: 0 to add, 2 to restore, 0 to change, 0 to retire.');
    expect(await person('frank')).toMatchObject({
      retiredAt: null,
      createdAt: at(1),
      updatedAt: at(3),
      name: 'Frank Returned',
    });
  });

  it('retires a removed level and its approver roles', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const twoLevels = exampleVariant((relationship) => {
      relationship.escalation.levels.pop();
    });
    expect(await applyGovernance(database.db, twoLevels, options(2))).toEqual([
      { action: 'retire', entity: 'level', relationshipId: 'acme-globex', key: '3' },
      { action: 'retire', entity: 'role', relationshipId: 'acme-globex', key: 'level:3/approver/erin' },
    ]);
    const levels = await database.db.select().from(escalationLevels).orderBy(asc(escalationLevels.position));
    expect(levels.map((level) => level.retiredAt)).toEqual([null, null, at(2)]);
  });

  it('shows a changed respond_within as a change from the old value to the new one', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const faster = exampleVariant((relationship) => {
      const [first] = relationship.escalation.levels;
      if (first) first.respond_within = 2 * 3600;
    });
    const plan = await applyGovernance(database.db, faster, options(2));
    expect(plan).toEqual([
      {
        action: 'change',
        entity: 'level',
        relationshipId: 'acme-globex',
        key: '1',
        fields: [{ name: 'respond_within', from: '4h', to: '2h' }],
      },
    ]);
    expect(formatPlan(plan)).toBe(
      '~ change level acme-globex/1 respond_within: 4h -> 2h\n\nPlan: 0 to add, 1 to change, 0 to retire.',
    );
    const [level] = await database.db
      .select()
      .from(escalationLevels)
      .where(and(eq(escalationLevels.relationshipId, 'acme-globex'), eq(escalationLevels.position, 1)));
    expect(level).toMatchObject({ respondWithinSeconds: 7200, createdAt: at(1), updatedAt: at(2) });
    expect(await auditOf('level:acme-globex/1')).toHaveLength(2);
  });

  it('retires a relationship absent from the file with everything in it', async () => {
    await applyGovernance(database.db, parsedExample(), options(1));
    const plan = await applyGovernance(database.db, { relationships: [] }, options(2));
    expect(plan).toHaveLength(32);
    expect(plan.every((change) => change.action === 'retire')).toBe(true);
    const rows = (await snapshot()).tables.flat() as { retiredAt: Date | null }[];
    expect(rows.every((row) => row.retiredAt?.getTime() === at(2).getTime())).toBe(true);
  });

  it('serialises concurrent applies of the same file into one set of changes', async () => {
    const file = parsedExample();
    const plans = await Promise.all([
      applyGovernance(database.db, file, options(1)),
      applyGovernance(database.db, file, options(1)),
    ]);
    expect(plans.map((plan) => plan.length).sort((a, b) => a - b)).toEqual([0, 32]);
    expect((await snapshot()).audit).toHaveLength(32);
  });
});
