import { timestamp } from 'drizzle-orm/pg-core';

/** Every row the governance file owns can be retired: history and audit records keep pointing at it. */
export const lifecycle = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
};
