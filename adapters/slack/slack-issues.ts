import type { BlockAction, ButtonAction } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { issues } from '../../db/schema/issues';
import {
  chooseRelationship,
  findMemberships,
  loadDirectory,
  type PlatformIdentity,
} from '../../workflows/core/directory';
import {
  assignIssue,
  decideIssue,
  editProposedIssue,
  ISSUE_ACTIONS,
  IssueError,
  listIssues,
  proposeIssue,
  resolveIssue,
  setIssueDue,
  showPublication,
} from '../../workflows/issues/index';
import { type CommandDeps, explain, notInDirectory } from '../commands/command-deps';
import { issueHelp, parseIssueCommand } from '../commands/issue-command';
import { escapeMrkdwn } from './slack-escape';
import { ADD_ISSUE_VIEW, EDIT_ISSUE_VIEW, issueView, readIssueForm } from './slack-issue-forms';
import { noticeToSlack } from './slack-render';
import type { SlackRoutes } from './slack-routes';

const private_ = (text: string) => ({ response_type: 'ephemeral' as const, text: escapeMrkdwn(text) });
const identity = (userId: string): PlatformIdentity => ({ platform: 'slack', userId });

async function peopleOptions(deps: CommandDeps, relationshipId: string) {
  const directory = await loadDirectory(deps.db, relationshipId);
  return [...(directory?.people.values() ?? [])].map((person) => ({ value: person.id, label: person.name }));
}

/** `/issue`, the approvers' Approve / Reject / Edit buttons, and the issue forms. */
export function registerSlackIssues(routes: SlackRoutes, deps: CommandDeps) {
  routes.command('/issue', async ({ command, ack, client }) => {
    const actor = identity(command.user_id);
    const parsed = parseIssueCommand(command.text);
    try {
      switch (parsed.kind) {
        case 'help':
          return await ack(private_(issueHelp('/issue')));
        case 'invalid':
          return await ack(private_(`${parsed.message}\n\n${issueHelp('/issue')}`));
        case 'list':
          return await ack(private_(await listIssues(deps.db, deps.clock, actor)));
        case 'publication':
          return await ack(private_(await showPublication(deps.db, actor, parsed.number)));
        case 'resolve':
          return await ack(
            private_(await resolveIssue(deps, { actor, issueId: parsed.issueId, note: parsed.note })),
          );
        case 'assign':
          return await ack(
            private_(await assignIssue(deps, { actor, issueId: parsed.issueId, owner: parsed.owner })),
          );
        case 'due':
          return await ack(
            private_(await setIssueDue(deps, { actor, issueId: parsed.issueId, due: parsed.date })),
          );
        case 'add':
        case 'form': {
          const choice = await chooseRelationship(deps.db, actor, command.channel_id);
          if (choice.kind === 'none') return await ack(private_(notInDirectory('Slack user')));
          if (parsed.kind === 'add' && choice.kind === 'one') {
            return await ack(
              private_(
                await proposeIssue(deps, {
                  relationshipId: choice.relationshipId,
                  proposedBy: choice.personId,
                  title: parsed.title,
                }),
              ),
            );
          }
          await ack();
          const options =
            choice.kind === 'one' ? [{ ...choice, name: choice.relationshipId }] : choice.options;
          await client.views.open({
            trigger_id: command.trigger_id,
            view: issueView({
              callbackId: ADD_ISSUE_VIEW,
              metadata: JSON.stringify({ relationships: options.map((o) => o.relationshipId) }),
              prefill: parsed.kind === 'add' ? { title: parsed.title } : {},
              people: options[0] ? await peopleOptions(deps, options[0].relationshipId) : [],
              relationships: options.map((o) => ({ value: o.relationshipId, label: o.name })),
            }),
          });
          return;
        }
      }
    } catch (error) {
      await ack(private_(explain(error, deps)));
    }
  });

  routes.view(ADD_ISSUE_VIEW, async ({ ack, body, view, client }) => {
    const form = readIssueForm(view.state.values as Parameters<typeof readIssueForm>[0]);
    const offered =
      (JSON.parse(view.private_metadata || '{}') as { relationships?: string[] }).relationships ?? [];
    const membership = (await findMemberships(deps.db, identity(body.user.id))).find(
      (m) => m.relationshipId === (form.relationshipId ?? offered[0]),
    );
    if (!membership)
      return ack({ response_action: 'errors', errors: { title: notInDirectory('Slack user') } });
    try {
      const message = await proposeIssue(deps, {
        ...form.fields,
        relationshipId: membership.relationshipId,
        proposedBy: membership.personId,
      });
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: escapeMrkdwn(message) });
    } catch (error) {
      await ack({ response_action: 'errors', errors: { [fieldOf(error)]: explain(error, deps) } });
    }
  });

  routes.view(EDIT_ISSUE_VIEW, async ({ ack, body, view, client }) => {
    const form = readIssueForm(view.state.values as Parameters<typeof readIssueForm>[0]);
    try {
      const message = await editProposedIssue(deps, {
        actor: identity(body.user.id),
        issueId: Number(view.private_metadata),
        fields: form.fields,
      });
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: escapeMrkdwn(message) });
    } catch (error) {
      await ack({ response_action: 'errors', errors: { [fieldOf(error)]: explain(error, deps) } });
    }
  });

  routes.action<BlockAction<ButtonAction>>(
    /^issue\.(approve|reject|edit)$/,
    async ({ ack, body, action, client }) => {
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      const reply = (text: string) =>
        channel
          ? client.chat.postEphemeral({ channel, user: body.user.id, text: escapeMrkdwn(text) })
          : undefined;
      const issueId = Number(action.value);
      if (!Number.isInteger(issueId) || issueId <= 0)
        return void (await reply('That button is not from Accord, or it is too old to read.'));
      try {
        if (action.action_id === ISSUE_ACTIONS.edit) {
          const [issue] = await deps.db.select().from(issues).where(eq(issues.id, issueId));
          if (!issue) return void (await reply('That issue no longer exists.'));
          await client.views.open({
            trigger_id: body.trigger_id,
            view: issueView({
              callbackId: EDIT_ISSUE_VIEW,
              metadata: String(issue.id),
              prefill: {
                title: issue.title,
                description: issue.description,
                owner: issue.owner ?? undefined,
                due: issue.dueDate ?? undefined,
                priority: issue.priority,
              },
              people: await peopleOptions(deps, issue.relationshipId),
            }),
          });
          return;
        }
        const values = (body.state?.values ?? {}) as Record<
          string,
          Record<string, { value?: string | null }>
        >;
        const result = await decideIssue(deps, {
          actor: identity(body.user.id),
          issueId,
          decision: action.action_id === ISSUE_ACTIONS.approve ? 'approve' : 'reject',
          note: values.note?.note?.value ?? undefined,
        });
        if (channel && body.message?.ts && result.current) {
          await client.chat.update({ channel, ts: body.message.ts, ...noticeToSlack(result.current) });
        }
        await reply(result.message);
      } catch (error) {
        await reply(explain(error, deps));
      }
    },
  );
}

const fieldOf = (error: unknown) => (error instanceof IssueError && error.field ? error.field : 'title');
