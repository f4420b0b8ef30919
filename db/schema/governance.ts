import { bigint, integer, pgTable, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row counting the applies that changed anything. Work derived from the governance file (review
 * series' timers) is redone when the count moves, not on every reconcile pass.
 */
export const governanceRevision = pgTable('governance_revision', {
  id: integer('id').primaryKey().default(1),
  revision: bigint('revision', { mode: 'number' }).notNull(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).notNull(),
});
