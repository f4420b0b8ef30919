import { date, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { relationships } from './directory';

/** The risk register (Gartner step 9). Shown to people as `RSK-<id>`; score = likelihood x impact. */
export const risks = pgTable(
  'risks',
  {
    id: serial('id').primaryKey(),
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    title: text('title').notNull(),
    likelihood: integer('likelihood').notNull(),
    impact: integer('impact').notNull(),
    owner: text('owner'),
    mitigation: text('mitigation').notNull().default(''),
    reviewDate: date('review_date'),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    raisedBy: text('raised_by').notNull(),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('risks_relationship_status_idx').on(t.relationshipId, t.status)],
);
