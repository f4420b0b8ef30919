import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  applyGovernance,
  formatPlan,
  formatProblems,
  type GovernanceFile,
  planGovernance,
  validateGovernance,
} from '../workflows/governance/index';

const usage = `Usage: npm run governance -- <command> <file>

Commands:
  validate <file>  check the governance file; needs no database
  plan <file>      show what apply would change in the database
  apply <file>     print the plan and apply it in one transaction

Environment (plan and apply):
  DATABASE_URL     postgres://... ; without it, the embedded Postgres under DATA_DIR
  DATA_DIR         where the embedded Postgres keeps its data (default .data)

Exit codes: 0 done, 1 invalid file, 2 usage or other error.`;

const environment = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined)
    .refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
      message: 'must be a URL like postgres://user@host:5432/accord',
    }),
  DATA_DIR: z.string().min(1, 'must not be empty').default('.data'),
  USER: z.string().optional(),
});

/** An error the user can fix from its one-line message. */
class UsageError extends Error {}

const commands = ['validate', 'plan', 'apply'] as const;
type Command = (typeof commands)[number];

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    return 0;
  }
  const [command, file, ...extra] = args;
  const misuse = usageProblem(command, file, extra);
  if (misuse !== undefined || !file) {
    console.error(misuse ? `governance: ${misuse}\n\n${usage}` : usage);
    return 2;
  }
  const validated = validateGovernance(await readText(file));
  if (!validated.ok) {
    console.error(`${file}: ${validated.errors.length} problem${validated.errors.length === 1 ? '' : 's'}`);
    console.error(formatProblems(validated.errors));
    return 1;
  }
  if (command === 'validate') {
    console.log(`${file}: valid (${summary(validated.file)})`);
    return 0;
  }
  const env = readEnvironment();
  // Loaded here so that validate starts without the database drivers.
  const { openDatabase } = await import('../bot/database');
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR }).catch(
    (error: unknown) => {
      throw new UsageError(`cannot open the database: ${rootCause(error)}`);
    },
  );
  try {
    if (command === 'plan') {
      console.log(formatPlan(await planGovernance(database.db, validated.file)));
      return 0;
    }
    const plan = await applyGovernance(database.db, validated.file, {
      actor: `cli:${env.USER ?? 'unknown'}`,
      source: path.resolve(file),
    });
    console.log(formatPlan(plan));
    console.log('Applied.');
    return 0;
  } finally {
    await database.close();
  }
}

function usageProblem(
  command: string | undefined,
  file: string | undefined,
  extra: string[],
): string | undefined {
  if (command === undefined) return undefined;
  if (!commands.includes(command as Command)) return `unknown command "${command}"`;
  if (file === undefined) return `${command} needs the governance file to read`;
  if (extra.length > 0) return `unexpected argument "${extra[0]}"`;
  return undefined;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${file}: is a directory, not a governance file`);
    throw new UsageError(`${file}: cannot read: ${(error as Error).message}`);
  }
}

/** Drizzle wraps a driver error in "Failed query: ..."; the driver's own message says what went wrong. */
function rootCause(error: unknown): string {
  let cause = error;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  return (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
}

function readEnvironment(): z.output<typeof environment> {
  const parsed = environment.safeParse(process.env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new UsageError(problems.join('; '));
}

function summary(file: GovernanceFile): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const people = file.relationships.reduce((total, relationship) => total + relationship.people.length, 0);
  const levels = file.relationships.reduce(
    (total, relationship) => total + relationship.escalation.levels.length,
    0,
  );
  return [
    count(file.relationships.length, 'relationship', 'relationships'),
    count(people, 'person', 'people'),
    count(levels, 'level', 'levels'),
  ].join(', ');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`governance: ${error.message}`);
    else console.error('governance: unexpected error:', error);
    process.exitCode = 2;
  },
);
