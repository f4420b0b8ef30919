import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { lifecycle } from './columns';
import { relationships } from './directory';

/** Goals declared in the governance file; goals proposed in chat join the same table. */
export const goals = pgTable(
  'goals',
  {
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    id: text('id').notNull(),
    title: text('title').notNull(),
    /** `file`: owned by the governance file; `chat`: proposed in chat, which apply leaves alone. */
    source: text('source').$type<'file' | 'chat'>().notNull().default('file'),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.id] })],
);
