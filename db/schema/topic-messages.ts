import { bigint, index, pgTable, serial, text } from 'drizzle-orm/pg-core';

/**
 * Messages posted about a record (`issue:3`, `goal:acme/uptime`, `risk:2`) that must be updated when
 * it changes: an approver's request loses its buttons once decided, a channel post shows the outcome.
 */
export const topicMessages = pgTable(
  'topic_messages',
  {
    id: serial('id').primaryKey(),
    topic: text('topic').notNull(),
    purpose: text('purpose').notNull(),
    personId: text('person_id'),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
  },
  (t) => [index('topic_messages_topic_idx').on(t.topic)],
);
