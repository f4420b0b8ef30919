import {
  bigint,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
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
    joinUrl: text('join_url'),
    /** `file`: owned by the governance file; `chat`: scheduled with /review schedule (by `scheduledBy`). */
    source: text('source').$type<'file' | 'chat'>().notNull().default('file'),
    scheduledBy: text('scheduled_by'),
    ...lifecycle,
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.id] })],
);

export type OccurrenceStatus = 'scheduled' | 'cancelled' | 'skipped';
export type Minutes = {
  notes: string;
  decisions: string;
  actionItems: { title: string; owner?: string; due?: string }[];
};

/** One meeting of a series, created when its reminders are scheduled. */
export const reviewOccurrences = pgTable(
  'review_occurrences',
  {
    id: serial('id').primaryKey(),
    relationshipId: text('relationship_id')
      .notNull()
      .references(() => relationships.id),
    seriesId: text('series_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    status: text('status').$type<OccurrenceStatus>().notNull().default('scheduled'),
    /** iCalendar SEQUENCE: bumped when the occurrence changes, so calendars replace it. */
    sequence: integer('sequence').notNull().default(0),
    /** The unguessable part of the calendar link. */
    calendarToken: text('calendar_token').notNull(),
    /** The organiser's RSVP tally message, updated as people answer. */
    tallyOutboxId: bigint('tally_outbox_id', { mode: 'number' }),
    minutes: jsonb('minutes').$type<Minutes>(),
    minutesBy: text('minutes_by'),
    minutesAt: timestamp('minutes_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('review_occurrences_start_idx').on(t.relationshipId, t.seriesId, t.startsAt),
    uniqueIndex('review_occurrences_token_idx').on(t.calendarToken),
  ],
);

export const reviewRsvps = pgTable(
  'review_rsvps',
  {
    occurrenceId: integer('occurrence_id')
      .notNull()
      .references(() => reviewOccurrences.id),
    personId: text('person_id').notNull(),
    response: text('response').$type<'yes' | 'no'>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.occurrenceId, t.personId] })],
);
