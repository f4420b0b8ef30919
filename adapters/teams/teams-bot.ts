import { ActivityHandler, type TurnContext } from 'botbuilder';
import type { Database } from '../../db/client';
import { rememberConversation } from './teams-conversations';

const HELP =
  'Accord runs the governance of your outsourcing relationship: escalations, review meetings, ' +
  'the issue list, goals and risks. Your administrator describes the relationship in its governance file.';

/**
 * The Teams side of the bot. Every activity that shows where a person or channel can be reached
 * (install, conversation update, message) stores its conversation reference for proactive messages.
 */
export class TeamsBot extends ActivityHandler {
  constructor(private readonly db: Database) {
    super();
    this.onInstallationUpdate(async (context, next) => {
      await rememberConversation(this.db, context);
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await rememberConversation(this.db, context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await rememberConversation(this.db, context);
      await this.reply(context);
      await next();
    });
  }

  private async reply(context: TurnContext) {
    await context.sendActivity({ type: 'message', text: HELP, textFormat: 'plain' });
  }
}
