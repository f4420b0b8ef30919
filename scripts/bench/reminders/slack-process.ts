/**
 * The fake Slack Web API of the reminders bench, in a process of its own so the bots' load never
 * delays its clock. Records when each chat.postMessage arrived (Date.now(), the clock the due
 * instants are written in). Asked 'progress', it answers how many distinct reminder DMs arrived;
 * asked 'report', every post.
 */
import { startFakeSlack } from '../../../test/support/fake-slack';
import { parseDm } from './governance';

export type Post = { at: number; channel: string; text: string };
export type SlackReady = { apiUrl: string };
export type SlackReport = { posts: Post[]; otherCalls: Record<string, number> };
export type SlackProgress = { distinctDms: number };

const slack = await startFakeSlack();
const posts: Post[] = [];
const distinct = new Set<number>();
const otherCalls: Record<string, number> = {};
const push = slack.calls.push.bind(slack.calls);
slack.calls.push = (...calls) => {
  const at = Date.now();
  for (const call of calls) {
    if (call.method === 'chat.postMessage') {
      const text = String(call.body.text).slice(0, 60);
      posts.push({ at, channel: String(call.body.channel), text });
      const index = parseDm(text);
      if (index !== undefined) distinct.add(index);
    } else otherCalls[call.method] = (otherCalls[call.method] ?? 0) + 1;
  }
  // The fake would keep every call with its Block Kit body: only what is above is needed.
  return push();
};

process.on('message', (message) => {
  if (message === 'progress') process.send?.({ distinctDms: distinct.size } satisfies SlackProgress);
  else process.send?.({ posts, otherCalls } satisfies SlackReport);
});
process.on('disconnect', () => void slack.close().finally(() => process.exit(0)));
process.send?.({ apiUrl: slack.apiUrl } satisfies SlackReady);
