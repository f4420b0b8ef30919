import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import DataLoader from 'dataloader';
import { sql } from 'drizzle-orm';
import { type Database, preparedStatement } from '../../db/client';
import { teamsConversations } from '../../db/schema/teams';

/** A 1:1 chat is found by the user's AAD object id; a channel by its conversation id. */
export const personalKey = (aadObjectId: string) => `aad:${aadObjectId}`;
export const conversationKey = (conversationId: string) => `conversation:${conversationId}`;

/** Remembers where the bot can reach people and channels, from any activity it receives. */
export async function rememberConversation(db: Database, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const reference = TurnContext.getConversationReference(activity);
  // In a channel Teams names the thread (`19:...@thread.tacv2;messageid=...`); a new post goes to
  // the channel itself, which is also how the governance file names it.
  const channelId = activity.conversation.id.split(';')[0] ?? activity.conversation.id;
  const stored = {
    ...reference,
    conversation: { ...reference.conversation, id: channelId },
  } as ConversationReference;
  const keys = [conversationKey(channelId)];
  if (isPersonalChat(activity) && activity.from?.aadObjectId)
    keys.push(personalKey(activity.from.aadObjectId));
  for (const key of keys) await storeConversation(db, key, stored);
}

/** A 1:1 chat between a person and the bot, rather than a channel or a group chat. */
export const isPersonalChat = (activity: Activity) =>
  activity.conversation.conversationType === 'personal' || !activity.conversation.isGroup;

export async function storeConversation(db: Database, key: string, reference: ConversationReference) {
  const stored = reference as unknown as Record<string, unknown>;
  await db
    .insert(teamsConversations)
    .values({ key, reference: stored })
    .onConflictDoUpdate({
      target: teamsConversations.key,
      set: { reference: stored, updatedAt: sql`now()` },
    });
}

const findConversations = preparedStatement<{ key: string; reference: ConversationReference }>(
  () =>
    sql`SELECT key, reference FROM teams_conversations WHERE key = ANY(${sql.placeholder('keys')}::text[])`,
);

/**
 * Finds where the bot can reach a person or channel. The lookups of one tick share one prepared
 * statement: a batch of messages to Teams asks Postgres once, not once per message. Nothing is
 * cached beyond that, so a reference another instance just stored is the one used.
 */
export function conversationFinder(
  db: Database,
): (key: string) => Promise<ConversationReference | undefined> {
  const loader = new DataLoader<string, ConversationReference | undefined>(
    async (keys) => {
      const rows = await findConversations(db, { keys });
      const byKey = new Map(rows.map((row) => [row.key, row.reference]));
      return keys.map((key) => byKey.get(key));
    },
    { cache: false, maxBatchSize: 500 },
  );
  return (key) => loader.load(key);
}
