import type { Attachment } from 'botbuilder';
import { findMemberships, type PlatformIdentity } from '../../workflows/core/directory';
import type { Notice } from '../../workflows/core/notice';
import { type CommandDeps, explain, notInDirectory } from '../commands/command-deps';
import type { MentionResolver } from './teams-mentions';
import { noticeToAdaptiveCard } from './teams-render';

/** What the bot answers: a plain-text message to the person, a card, or both. */
export type Answer = { message?: string; card?: Attachment };

/** Where a Teams activity was typed, who typed it, and who the people it @mentions are. */
export type TeamsActor = { identity: PlatformIdentity; channel: string; mentioned: MentionResolver };

export const NOT_IN_DIRECTORY = notInDirectory('Teams user (its Azure AD object id)');
export const NOT_OURS = 'That button is not from Accord, or it is too old to read.';

/** A decision clicked on a card: what it did, and the card redrawn as its subject now stands. */
export const decisionAnswer = (result: { message: string; current?: Notice }): Answer => ({
  message: result.message,
  ...(result.current ? { card: noticeToAdaptiveCard(result.current) } : {}),
});

/** The card that replaces a submitted form: what was done, in the form's place. */
export const confirmationCard = (title: string, text: string) =>
  noticeToAdaptiveCard({ title, text, fallback: text });

type Membership = Awaited<ReturnType<typeof findMemberships>>[number];

/**
 * Who the person submitting a form is in the relationship it names. When they are nobody there,
 * the answer: someone outside the directory is told so, and someone with relationships gets the
 * form back (`reopen`) asking them to choose one of theirs.
 */
async function formMembership(
  deps: CommandDeps,
  actor: TeamsActor,
  relationshipId: string | undefined,
  reopen: (problem: { field: 'relationship'; message: string }) => Promise<Answer>,
): Promise<{ membership: Membership } | { answer: Answer }> {
  const memberships = await findMemberships(deps.db, actor.identity);
  const membership = memberships.find((m) => m.relationshipId === relationshipId);
  if (membership) return { membership };
  if (memberships.length === 0) return { answer: { message: NOT_IN_DIRECTORY } };
  return { answer: await reopen({ field: 'relationship', message: 'Choose one of your relationships.' }) };
}

/** What is wrong with a submitted form: the field it is shown on, and what to say. */
export type FormProblem = { field: string; message: string };

/**
 * The answer to a submitted form: `submit` runs for the submitter's membership in the relationship
 * the form names (formMembership answers anyone else). A problem with the input, returned by
 * `submit` or thrown as the capability's own error (`problemOf`), brings the form back showing it on
 * its field; any other failure is explained.
 */
export async function answerForm(
  deps: CommandDeps,
  actor: TeamsActor,
  form: {
    relationshipId: string | undefined;
    reopen: (problem: FormProblem) => Promise<Answer>;
    problemOf: (error: unknown) => FormProblem | undefined;
  },
  submit: (membership: Membership) => Promise<Answer | { problem: FormProblem }>,
): Promise<Answer> {
  try {
    const found = await formMembership(deps, actor, form.relationshipId, form.reopen);
    if ('answer' in found) return found.answer;
    const outcome = await submit(found.membership);
    return 'problem' in outcome ? await form.reopen(outcome.problem) : outcome;
  } catch (error) {
    const problem = form.problemOf(error);
    if (!problem) return { message: explain(error, deps) };
    return form.reopen(problem);
  }
}
