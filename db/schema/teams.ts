import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The Bot Framework conversation reference needed to message a Teams user or channel proactively.
 * Kept in Postgres so any web or worker instance can send.
 */
export const teamsConversations = pgTable('teams_conversations', {
  /** An AAD object id for a 1:1 chat, or a channel conversation id. */
  key: text('key').primaryKey(),
  reference: jsonb('reference').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
