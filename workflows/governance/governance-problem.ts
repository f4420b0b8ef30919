export type PathSegment = string | number;

/** One thing wrong with a governance file, where a person can find it. */
export type GovernanceProblem = {
  /** Like `relationships[0].escalation.levels[1].approvers[0]`; empty for the file as a whole. */
  path: string;
  /** 1-based line of the value at `path`, or of its closest parent that exists. */
  line: number;
  message: string;
};

/** The line of the value at a path of the parsed file. */
export type Locate = (path: readonly PathSegment[]) => number;

export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join('');
}

export function problemAt(locate: Locate, path: readonly PathSegment[], message: string): GovernanceProblem {
  return { path: formatPath(path), line: locate(path), message };
}

/** One line per problem: `path: message (line N)`. */
export function formatProblems(problems: readonly GovernanceProblem[]): string {
  return problems
    .map((problem) => `${problem.path ? `${problem.path}: ` : ''}${problem.message} (line ${problem.line})`)
    .join('\n');
}

export class GovernanceInvalidError extends Error {
  readonly code = 'governance_invalid';

  constructor(readonly problems: readonly GovernanceProblem[]) {
    super(`The governance file is invalid:\n${formatProblems(problems)}`);
    this.name = 'GovernanceInvalidError';
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** `; did you mean "carol"?` when one candidate is a likely typo of `word`, else nothing. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return best && best.distance > 0 && best.distance <= tolerance ? `; did you mean "${best.candidate}"?` : '';
}
