import { afterEach, describe, expect, it } from 'vitest';
import { createSlackEndpoint } from '../../adapters/slack/slack-app';
import { startFakeSlack } from '../support/fake-slack';
import { startLoopbackServer } from '../support/http';
import {
  blockAction,
  postInteraction,
  postSlashCommand,
  SIGNING_SECRET,
  viewSubmission,
} from '../support/slack-requests';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A Slack endpoint on loopback, as the bot serves it, with the routes the test registers. */
async function endpoint() {
  const errors: unknown[] = [];
  const fakeSlack = await startFakeSlack(); // Bolt checks the bot token with it
  closers.push(fakeSlack.close);
  const settings = { signingSecret: SIGNING_SECRET, botToken: 'xoxb-test', apiUrl: fakeSlack.apiUrl };
  const slack = createSlackEndpoint(settings, (error) => errors.push(error));
  const server = await startLoopbackServer(async (req, res) => slack.handle(req, res));
  closers.push(server.close);
  return { routes: slack.routes, url: server.url, errors };
}

describe('Slack routes: each command, form and button reaches its own listener', () => {
  it('answers each command from its own listener', async () => {
    const { routes, url } = await endpoint();
    routes.command('/escalate', async ({ ack }) => ack({ text: 'escalate heard' }));
    routes.command('/issue', async ({ command, ack }) => ack({ text: `issue heard: ${command.text}` }));

    const escalate = await postSlashCommand(url, { command: '/escalate', text: 'x', user_id: 'U1' });
    const issue = await postSlashCommand(url, { command: '/issue', text: 'late report', user_id: 'U1' });

    expect(await escalate.json()).toMatchObject({ text: 'escalate heard' });
    expect(await issue.json()).toMatchObject({ text: 'issue heard: late report' });
  });

  it('sends a form to the listener of its callback id and a click to the first pattern it matches', async () => {
    const { routes, url, errors } = await endpoint();
    const heard: string[] = [];
    routes.view('raise', async ({ ack }) => {
      heard.push('raise form');
      await ack();
    });
    routes.view('minutes', async ({ ack }) => {
      heard.push('minutes form');
      await ack();
    });
    routes.action(/^escalation\.(approve|reject)$/, async ({ ack, action }) => {
      heard.push(`escalation ${'action_id' in action ? action.action_id : ''}`);
      await ack();
    });
    routes.action(/^goal\./, async ({ ack }) => {
      heard.push('goal');
      await ack();
    });

    const submitted = await postInteraction(
      url,
      viewSubmission({ userId: 'U1', callbackId: 'minutes', privateMetadata: '{}', values: {} }),
    );
    const clicked = await postInteraction(
      url,
      blockAction({
        userId: 'U1',
        actionId: 'escalation.reject',
        value: 'v',
        channelId: 'D1',
        messageTs: '1.2',
      }),
    );

    expect([submitted.status, clicked.status]).toEqual([200, 200]);
    expect(heard).toEqual(['minutes form', 'escalation escalation.reject']);
    expect(errors).toEqual([]);
  });

  it('refuses a command or form registered twice when the bot starts, not when a user meets it', async () => {
    const { routes } = await endpoint();
    routes.command('/escalate', async ({ ack }) => ack());
    routes.view('raise', async ({ ack }) => ack());

    expect(() => routes.command('/escalate', async ({ ack }) => ack())).toThrow(
      'the Slack command /escalate is registered twice',
    );
    expect(() => routes.view('raise', async ({ ack }) => ack())).toThrow(
      'the Slack form raise is registered twice',
    );
  });
});
