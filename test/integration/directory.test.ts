import { readFileSync } from 'node:fs';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absences, people, relationships } from '../../db/schema/index';
import { loadDirectory } from '../../workflows/core/directory';
import { applyGovernance, formatProblems, validateGovernance } from '../../workflows/governance/index';
import { createTestDatabase, type TestDatabase } from '../support/database';

const example = () => {
  const text = readFileSync(new URL('../fixtures/governance/example.yaml', import.meta.url), 'utf8');
  const result = validateGovernance(text);
  if (!result.ok) throw new Error(formatProblems(result.errors));
  return result.file;
};
const options = (day: number) => ({
  actor: 'test',
  source: 'governance.yaml',
  now: new Date(Date.UTC(2027, 0, day, 9)),
});

describe('the directory an escalation climbs, read in one statement', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const file = example();
    await applyGovernance(database.db, file, options(1));
    // Frank leaves: the file without him retires him.
    const relationship = file.relationships[0];
    if (relationship) relationship.people = relationship.people.filter((person) => person.id !== 'frank');
    await applyGovernance(database.db, file, options(2));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('has the rows as drizzle selects them, with dates as dates and business hours as an object', async () => {
    const directory = await loadDirectory(database.db, 'acme-globex');
    const [relationship] = await database.db
      .select()
      .from(relationships)
      .where(eq(relationships.id, 'acme-globex'));
    const current = await database.db
      .select()
      .from(people)
      .where(and(eq(people.relationshipId, 'acme-globex'), isNull(people.retiredAt)));

    expect(directory?.relationship).toEqual(relationship);
    expect(directory?.relationship.createdAt).toBeInstanceOf(Date);
    expect(directory?.relationship.businessHours).toEqual({
      days: [1, 2, 3, 4, 5],
      from: '09:00',
      to: '17:30',
    });
    expect(directory?.people).toEqual(new Map(current.map((person) => [person.id, person])));
    expect(directory?.people.has('frank')).toBe(false);
  });

  it('has the levels lowest first with their approvers, and the executive', async () => {
    const directory = await loadDirectory(database.db, 'acme-globex');
    expect(
      directory?.levels.map((level) => ({
        position: level.position,
        name: level.name,
        quorum: level.quorum,
        respondWithinSeconds: level.respondWithinSeconds,
        approvers: level.approvers,
      })),
    ).toEqual([
      {
        position: 1,
        name: 'Service delivery',
        quorum: 1,
        respondWithinSeconds: 4 * 3600,
        approvers: ['bob', 'dave'],
      },
      {
        position: 2,
        name: 'Account leadership',
        quorum: 1,
        respondWithinSeconds: 86_400,
        approvers: ['carol'],
      },
      { position: 3, name: 'Executive', quorum: 1, respondWithinSeconds: 2 * 86_400, approvers: ['erin'] },
    ]);
    expect(directory?.executive).toBe('erin');
  });

  it('has the absences not ended, with their delegates', async () => {
    const until = new Date('2027-02-01T17:00:00.000Z');
    const createdAt = new Date('2027-01-20T09:00:00.000Z');
    await database.db.insert(absences).values([
      { relationshipId: 'acme-globex', personId: 'dave', until, delegateId: 'carol', createdAt },
      { relationshipId: 'acme-globex', personId: 'bob', until, delegateId: null, createdAt },
      { relationshipId: 'acme-globex', personId: 'carol', until, createdAt, endedAt: createdAt },
    ]);
    const directory = await loadDirectory(database.db, 'acme-globex');
    expect(directory?.absences.sort((a, b) => a.personId.localeCompare(b.personId))).toEqual([
      { personId: 'bob', until, delegateId: null },
      { personId: 'dave', until, delegateId: 'carol' },
    ]);
  });

  it('has no levels for a ladder nobody defined, and nothing for an unknown relationship', async () => {
    expect((await loadDirectory(database.db, 'acme-globex', 'goal:uptime'))?.levels).toEqual([]);
    expect(await loadDirectory(database.db, 'nobody')).toBeUndefined();
  });
});
