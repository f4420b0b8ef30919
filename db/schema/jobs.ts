import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/**
 * Every timer the bot will fire. Postgres is the truth; the BullMQ delayed job that mirrors a row is
 * rebuilt by the reconciler whenever it is missing.
 */
export const timers = pgTable(
  'timers',
  {
    /** Deterministic, chosen by the workflow (`escalation-sla.42.1`): scheduling twice is one timer. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Timers kept in step together (a review series' reminders): cancelled as a group. */
    groupKey: text('group_key'),
    relationshipId: text('relationship_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** Times its handler threw. A timer that failed is fired alone from then on, never in a batch. */
    failures: integer('failures').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('timers_pending_idx').on(t.dueAt).where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
    // The due timers of one kind, as a batch takes them and as workers poll for a raise's routing:
    // by due time alone, a poll read every due timer of every kind (a burst of reminders) to find none.
    index('timers_due_by_name_idx').on(t.name, t.dueAt).where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
    index('timers_group_idx').on(t.groupKey).where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
  ],
);

/** A Slack user or channel id; a Teams user (by Entra object id) or a Teams channel conversation. */
export type Recipient =
  | { platform: 'slack'; channel: string }
  | { platform: 'teams'; aadObjectId: string }
  | { platform: 'teams'; conversationId: string };

/**
 * Every message to send. Written in the same transaction as the change it announces. Its pages keep
 * room for the claim's update (fillfactor 70, set by migration 0011: drizzle has no table options).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    relationshipId: text('relationship_id'),
    recipient: jsonb('recipient').$type<Recipient>().notNull(),
    notice: jsonb('notice').$type<Record<string, unknown>>().notNull(),
    /** What the message is about (`escalation:12`): failures are recorded on its timeline. */
    topic: text('topic'),
    /** Set when this row replaces the message another row posted (an update, not a new message). */
    updateOf: bigint('update_of', { mode: 'number' }),
    /** It asks someone to decide: it goes first under the send limit, whichever way it is sent. */
    urgent: boolean('urgent').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    lastError: text('last_error'),
    /** While a worker sends it: no other worker takes it before then (a crashed one's lease runs out). */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    platformMessageId: text('platform_message_id'),
  },
  (t) => [index('outbox_unsent_idx').on(t.id).where(sql`sent_at IS NULL AND failed_at IS NULL`)],
);
