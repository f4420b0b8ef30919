import { date, integer, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { lifecycle } from './columns';
import { relationships } from './directory';

export type GoalStatus = 'proposed' | 'agreed' | 'achieved' | 'dropped';

/** Goals declared in the governance file; goals proposed in chat join the same table. */
export const goals = pgTable(
  'goals',
  {
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    id: text('id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** How success is measured and the target, in the proposer's words. */
    measure: text('measure').notNull().default(''),
    targetDate: date('target_date'),
    status: text('status').$type<GoalStatus>().notNull().default('proposed'),
    proposedBy: text('proposed_by'),
    /** Bumped when the goal changes: agreements of an earlier round no longer count. */
    round: integer('round').notNull().default(1),
    /** `file`: owned by the governance file; `chat`: proposed in chat, which apply leaves alone. */
    source: text('source').$type<'file' | 'chat'>().notNull().default('file'),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.id] })],
);

/** Each side's answer to a goal, per round: a goal is agreed when both sides agreed in its round. */
export const goalAgreements = pgTable('goal_agreements', {
  id: serial('id').primaryKey(),
  relationshipId: text('relationship_id').notNull(),
  goalId: text('goal_id').notNull(),
  round: integer('round').notNull(),
  side: text('side').$type<'client' | 'provider'>().notNull(),
  personId: text('person_id').notNull(),
  decision: text('decision').$type<'agree' | 'reject' | 'change'>().notNull(),
  note: text('note'),
  at: timestamp('at', { withTimezone: true }).notNull(),
});
