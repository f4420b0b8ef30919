import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = 'test/fixtures/governance/example.yaml';
const unknownApprover = 'test/fixtures/governance/unknown-approver.yaml';

type Run = { code: number; stdout: string; stderr: string };

function governance(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    // What `npx tsx scripts/governance.ts` runs, without npx and the tsx launcher process.
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/governance.ts', ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('npm run governance', () => {
  it('validates without a database, reporting each problem with its path and line', async () => {
    const [bad, good, missing, unknown] = await Promise.all([
      governance(['validate', unknownApprover]),
      governance(['validate', example]),
      governance(['validate', 'test/fixtures/governance/absent.yaml']),
      governance(['frobnicate', example]),
    ]);
    expect(bad.code).toBe(1);
    const badText = readFileSync(new URL(`../../${unknownApprover}`, import.meta.url), 'utf8');
    const line = badText.slice(0, badText.indexOf('approvers: [carl]')).split('\n').length;
    expect(bad.stderr).toContain(
      `relationships[0].escalation.levels[1].approvers[0]: unknown person "carl"; did you mean "carol"? (line ${line})`,
    );
    expect(good).toMatchObject({
      code: 0,
      stdout: `${example}: valid (1 relationship, 6 people, 3 levels)\n`,
    });
    expect(missing).toMatchObject({
      code: 2,
      stderr: 'governance: test/fixtures/governance/absent.yaml: no such file\n',
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Usage: npm run governance -- <command> <file>');
  });

  it('plans against the database in DATABASE_URL, then applies', async () => {
    const env = { DATABASE_URL: database.url };
    const plan = await governance(['plan', example], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('+ add person acme-globex/alice');
    expect(plan.stdout).toContain('Plan: 32 to add, 0 to change, 0 to retire.');

    const apply = await governance(['apply', example], env);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Plan: 32 to add, 0 to change, 0 to retire\.\nApplied\.\n$/);
  });
});
