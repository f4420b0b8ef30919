import type { z } from 'zod';
import { checkReferences } from './check-references';
import {
  type GovernanceProblem,
  type Locate,
  type PathSegment,
  problemAt,
  suggestion,
} from './governance-problem';
import { type GovernanceFile, governanceSchema, knownKeys } from './governance-schema';
import { readYaml } from './yaml-source';

export type ParsedGovernance =
  | { ok: true; file: GovernanceFile; locate: Locate }
  | { ok: false; errors: GovernanceProblem[] };

/** Reads a governance file: YAML syntax, the schema, then references between its entries. */
export function parseGovernance(text: string): ParsedGovernance {
  const source = readYaml(text);
  if (source.syntaxErrors.length > 0) return { ok: false, errors: source.syntaxErrors };
  const parsed = governanceSchema.safeParse(source.value ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => describeIssue(issue, source.value, source.locate));
    return { ok: false, errors: sortByLine(errors) };
  }
  const errors = checkReferences(parsed.data, source.locate);
  if (errors.length > 0) return { ok: false, errors: sortByLine(errors) };
  return { ok: true, file: parsed.data, locate: source.locate };
}

export function sortByLine(problems: GovernanceProblem[]): GovernanceProblem[] {
  return problems.sort((a, b) => a.line - b.line);
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, locate: Locate): GovernanceProblem[] {
  const path = issue.path as PathSegment[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      problemAt(locate, [...path, key], `unknown key "${key}"${suggestion(key, knownKeys)}`),
    );
  }
  const value = valueAt(root, path);
  if (issue.code === 'invalid_type') {
    if (value === undefined) return [problemAt(locate, path, 'is required')];
    if (value === null) return [problemAt(locate, path, 'has no value')];
    if (issue.message.startsWith('Invalid input')) {
      return [
        problemAt(locate, path, `must be ${describeType(issue.expected)} (got ${describeValue(value)})`),
      ];
    }
  }
  // Only a message about the value itself ("must be ...") is clearer with the value beside it.
  const showValue =
    issue.message.startsWith('must') &&
    value !== undefined &&
    typeof value !== 'object' &&
    !issue.message.includes(`"${String(value)}"`);
  return [
    problemAt(locate, path, showValue ? `${issue.message} (got ${describeValue(value)})` : issue.message),
  ];
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

function describeType(expected: string): string {
  const words: Record<string, string> = {
    string: 'text',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping of keys to values',
  };
  return words[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
