import { date, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { relationships } from './directory';

export type IssueStatus = 'proposed' | 'open' | 'resolved' | 'rejected';
export type IssuePriority = 'low' | 'medium' | 'high';

/** The relationship's issue list (Gartner step 7). Shown to people as `ISS-<id>`. */
export const issues = pgTable(
  'issues',
  {
    id: serial('id').primaryKey(),
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: text('status').$type<IssueStatus>().notNull().default('proposed'),
    priority: text('priority').$type<IssuePriority>().notNull().default('medium'),
    proposedBy: text('proposed_by').notNull(),
    owner: text('owner'),
    dueDate: date('due_date'),
    /** Where it came from: `chat`, `agenda` (added to a review's agenda), `minutes` (an action item). */
    origin: text('origin').$type<'chat' | 'agenda' | 'minutes'>().notNull().default('chat'),
    reviewOccurrenceId: integer('review_occurrence_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('issues_relationship_status_idx').on(t.relationshipId, t.status)],
);
