import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { lifecycle } from './columns';
import { relationships } from './directory';

/** A review meeting series as the governance file declares it (recurring, or one-off via `startsAt`). */
export const reviewSeries = pgTable(
  'review_series',
  {
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    id: text('id').notNull(),
    title: text('title').notNull(),
    rrule: text('rrule'),
    localTime: text('local_time'),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    durationSeconds: integer('duration_seconds').notNull(),
    remindBeforeSeconds: jsonb('remind_before_seconds').$type<number[]>().notNull(),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.id] })],
);
