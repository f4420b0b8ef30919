ALTER TABLE "timers" ADD COLUMN "group_key" text;--> statement-breakpoint
CREATE INDEX "timers_group_idx" ON "timers" USING btree ("group_key") WHERE fired_at IS NULL AND cancelled_at IS NULL;