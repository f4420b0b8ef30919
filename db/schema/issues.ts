import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
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
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolutionNote: text('resolution_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('issues_relationship_status_idx').on(t.relationshipId, t.status)],
);

export type PublishedIssue = {
  id: number;
  title: string;
  status: IssueStatus;
  priority: IssuePriority;
  owner: string | null;
  dueDate: string | null;
};

/** A numbered, immutable snapshot of the issue list as it was sent ("issue list v12"). */
export const issueListPublications = pgTable(
  'issue_list_publications',
  {
    id: serial('id').primaryKey(),
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    number: integer('number').notNull(),
    reason: text('reason').$type<'change' | 'digest'>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    /** The open issues at that moment, and those closed since the previous publication. */
    items: jsonb('items').$type<PublishedIssue[]>().notNull(),
    changes: jsonb('changes').$type<{ added: number[]; changed: number[]; closed: number[] }>().notNull(),
  },
  (t) => [uniqueIndex('issue_list_publications_number_idx').on(t.relationshipId, t.number)],
);
