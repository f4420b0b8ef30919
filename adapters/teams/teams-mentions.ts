import { TeamsInfo, TurnContext } from 'botbuilder';

/** Who `<at>Name</at>` in a message's text is: their Azure AD object id, or undefined if unknown. */
export type MentionResolver = (mentionText: string) => Promise<string | undefined>;

const spacesFolded = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Resolves people @mentioned in the message `context` holds. The text only shows a name; the
 * activity's mention entities carry the person's Teams user id, and Teams names the Azure AD object
 * id (what the governance file knows them by) only when the bot asks for the member.
 */
export function mentionResolver(context: TurnContext): MentionResolver {
  return async (mentionText) => {
    const { activity } = context;
    const mention = TurnContext.getMentions(activity).find(
      (each) =>
        each.mentioned?.id !== activity.recipient?.id &&
        spacesFolded(each.text ?? '') === spacesFolded(mentionText),
    );
    if (!mention?.mentioned?.id) return undefined;
    if (mention.mentioned.aadObjectId) return mention.mentioned.aadObjectId;
    try {
      return (await TeamsInfo.getMember(context, mention.mentioned.id)).aadObjectId;
    } catch {
      // Not a member Teams will describe (a guest from elsewhere, a removed user): say so instead.
      return undefined;
    }
  };
}
