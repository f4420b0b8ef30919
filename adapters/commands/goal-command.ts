/** The words of `/goal` (Slack) and `goal` (Teams): one grammar for both platforms. */
export type GoalCommand =
  | { kind: 'help' }
  | { kind: 'form' }
  | { kind: 'propose'; title: string }
  | { kind: 'list' }
  | { kind: 'achieved'; goal: string }
  | { kind: 'drop'; goal: string; reason: string }
  | { kind: 'invalid'; message: string };

/** Help for the command as typed on a platform: `/goal` in Slack, `goal` in Teams. */
export const goalHelp = (command: string) =>
  [
    `${command} sets the relationship's goals, agreed by both sides:`,
    `• ${command} propose <title>: propose a goal (at most 150 characters); ${command} propose alone opens a form with the description, the measure and target, and a target date`,
    `• ${command} list: every goal of your relationships, with each side's agreement`,
    `• ${command} achieved <id>: mark an agreed goal achieved (its proposer, owner or the escalation executive)`,
    `• ${command} drop <id> <reason>: drop a goal (its proposer, owner or the escalation executive)`,
    "Each side's agreers get the goal with Agree, Reject and Propose change; it is agreed once both sides agree.",
  ].join('\n');

const GOAL_REFERENCE = /^(?:[a-z0-9-]+\/)?[a-z0-9-]+$/i;

export function parseGoalCommand(raw: string): GoalCommand {
  const text = raw.trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  const tail = text.slice(first.length).trim();
  if (text === '' || (keyword === 'help' && rest.length === 0)) return { kind: 'help' };
  if (keyword === 'list' && rest.length === 0) return { kind: 'list' };
  if (keyword === 'propose') return tail ? { kind: 'propose', title: tail } : { kind: 'form' };
  if (keyword === 'achieved' || keyword === 'drop') {
    const goal = rest[0] ?? '';
    if (!GOAL_REFERENCE.test(goal)) {
      return {
        kind: 'invalid',
        message: `Name the goal by its id, as /goal list shows it: \`${keyword} uptime\`.`,
      };
    }
    if (keyword === 'achieved') {
      return rest.length === 1
        ? { kind: 'achieved', goal: goal.toLowerCase() }
        : { kind: 'invalid', message: 'Name just the goal: `achieved <id>`.' };
    }
    const reason = tail.slice(goal.length).trim();
    if (!reason) return { kind: 'invalid', message: 'Say why the goal is dropped: `drop <id> <reason>`.' };
    return { kind: 'drop', goal: goal.toLowerCase(), reason };
  }
  return { kind: 'invalid', message: `"${first.slice(0, 40)}" is not a goal command.` };
}
