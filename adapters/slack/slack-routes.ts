import type {
  App,
  Middleware,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';

type CommandListener = Middleware<SlackCommandMiddlewareArgs>;
type ViewListener = Middleware<SlackViewMiddlewareArgs>;
type ActionListener = Middleware<SlackActionMiddlewareArgs>;

/** Where the features register their commands, forms and buttons (the subset of Bolt's App they use). */
export type SlackRoutes = {
  command: (name: string, listener: CommandListener) => void;
  view: (callbackId: string, listener: ViewListener) => void;
  action: <A extends SlackAction>(
    actionId: RegExp,
    listener: Middleware<SlackActionMiddlewareArgs<A>>,
  ) => void;
};

/**
 * Gives Bolt one listener per kind of request and picks the feature's own by name. Bolt runs every
 * request through every listener's matching middleware, copying the request's arguments at each
 * step: with a listener per command, form and button that was the largest part of answering a
 * `/escalate`. A name matched twice is a programming error, refused at start.
 */
export function installSlackRoutes(app: App): SlackRoutes {
  const commands = new Map<string, CommandListener>();
  const views = new Map<string, ViewListener>();
  const actions: { actionId: RegExp; listener: ActionListener }[] = [];
  const once = <T>(map: Map<string, T>, kind: string, name: string, listener: T) => {
    if (map.has(name)) throw new Error(`the Slack ${kind} ${name} is registered twice`);
    map.set(name, listener);
  };

  app.command(/.*/, async (args) => {
    await commands.get(args.command.command)?.(args);
  });
  app.view(/.*/, async (args) => {
    await views.get(args.view.callback_id)?.(args);
  });
  app.action(/.*/, async (args) => {
    const actionId = 'action_id' in args.action ? args.action.action_id : undefined;
    const route = actionId === undefined ? undefined : actions.find((a) => a.actionId.test(actionId));
    await route?.listener(args);
  });

  return {
    command: (name, listener) => once(commands, 'command', name, listener),
    view: (callbackId, listener) => once(views, 'form', callbackId, listener),
    action: (actionId, listener) => {
      actions.push({ actionId, listener: listener as ActionListener });
    },
  };
}
