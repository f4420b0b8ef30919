import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { lifecycle } from './columns';
import { relationships } from './directory';

/** The publishing cadence of a relationship's issue list; approvers and stakeholders are roles. */
export const issueLists = pgTable('issue_lists', {
  relationshipId: text('relationship_id')
    .primaryKey()
    .references(() => relationships.id),
  publishRrule: text('publish_rrule'),
  publishAt: text('publish_at'),
  /** A burst of changes makes one publication, this long after the last change. */
  debounceSeconds: integer('debounce_seconds').notNull().default(30),
  ...lifecycle,
});
