import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { lifecycle } from './columns';

export type BusinessHours = { days: number[]; from: string; to: string };

export const relationships = pgTable('relationships', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  client: text('client').notNull(),
  provider: text('provider').notNull(),
  timezone: text('timezone').notNull(),
  slackChannel: text('slack_channel'),
  teamsChannel: text('teams_channel'),
  businessHours: jsonb('business_hours').$type<BusinessHours>(),
  /** Risks scoring at least this (likelihood x impact, 1 to 25) go into meeting agendas. */
  riskAgendaScore: integer('risk_agenda_score').notNull().default(12),
  ...lifecycle,
});

export const people = pgTable(
  'people',
  {
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    side: text('side', { enum: ['client', 'provider'] }).notNull(),
    slackUserId: text('slack_user_id'),
    teamsAadObjectId: text('teams_aad_object_id'),
    email: text('email'),
    timezone: text('timezone'),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.id] })],
);

export const escalationLevels = pgTable(
  'escalation_levels',
  {
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    /** `''` for the relationship's ladder; `goal:<id>` for a goal that names its own levels. */
    ladder: text('ladder').notNull().default(''),
    /** 1-based: an escalation starts at level 1. */
    position: integer('position').notNull(),
    name: text('name').notNull(),
    /** A count of approvals, or 0 for "all". */
    quorum: integer('quorum').notNull(),
    respondWithinSeconds: integer('respond_within_seconds').notNull(),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.ladder, t.position] })],
);

/**
 * Who plays which part: `approver` of `level:2`, `executive`, `attendee` of `review:weekly`,
 * `stakeholder` and `approver` of `issue_list`, `owner` of `goal:uptime`.
 */
export const roles = pgTable(
  'roles',
  {
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    role: text('role').notNull(),
    scope: text('scope').notNull(),
    personId: text('person_id').notNull(),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.role, t.scope, t.personId] })],
);
