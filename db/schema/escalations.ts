import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { relationships } from './directory';

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];
export type EscalationStatus = 'open' | 'approved' | 'rejected' | 'resolved';

export const escalations = pgTable(
  'escalations',
  {
    /** Shown to people as `ESC-<id>`. */
    id: serial('id').primaryKey(),
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    severity: text('severity').$type<Severity>().notNull().default('medium'),
    goalId: text('goal_id'),
    raisedBy: text('raised_by').notNull(),
    status: text('status').$type<EscalationStatus>().notNull().default('open'),
    /** The current level's position (1-based). */
    level: integer('level').notNull().default(1),
    levelStartedAt: timestamp('level_started_at', { withTimezone: true }).notNull(),
    /** When the current level's SLA runs out; mirrored by a timer. */
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    /** Reminders the executive got after the top level's SLA ran out. */
    topReminders: integer('top_reminders').notNull().default(0),
    /** Bumped on every change: a click carries the version it was shown, so a stale click is known. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: text('resolved_by'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    index('escalations_relationship_status_idx').on(t.relationshipId, t.status),
    index('escalations_raised_by_idx').on(t.relationshipId, t.raisedBy),
  ],
);

export const escalationDecisions = pgTable(
  'escalation_decisions',
  {
    id: serial('id').primaryKey(),
    escalationId: integer('escalation_id')
      .notNull()
      .references(() => escalations.id),
    level: integer('level').notNull(),
    decision: text('decision').$type<'approve' | 'reject' | 'escalate'>().notNull(),
    /** Who clicked. */
    personId: text('person_id').notNull(),
    /** The approver a delegate decided for. */
    onBehalfOf: text('on_behalf_of'),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  // One decision per person per level: a double click, or two instances at once, records one.
  (t) => [uniqueIndex('escalation_decisions_once_idx').on(t.escalationId, t.level, t.personId)],
);

/** Every message posted about an escalation, so each can be updated when the escalation changes. */
export const escalationMessages = pgTable(
  'escalation_messages',
  {
    id: serial('id').primaryKey(),
    escalationId: integer('escalation_id')
      .notNull()
      .references(() => escalations.id),
    purpose: text('purpose').$type<'approver' | 'channel'>().notNull(),
    personId: text('person_id'),
    level: integer('level'),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
  },
  (t) => [index('escalation_messages_escalation_idx').on(t.escalationId)],
);

export const absences = pgTable(
  'absences',
  {
    id: serial('id').primaryKey(),
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    personId: text('person_id').notNull(),
    until: timestamp('until', { withTimezone: true }).notNull(),
    delegateId: text('delegate_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('absences_current_idx').on(t.relationshipId, t.personId).where(sql`ended_at IS NULL`)],
);
