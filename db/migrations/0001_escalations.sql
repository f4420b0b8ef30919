CREATE TABLE "absences" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"person_id" text NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"delegate_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "escalation_decisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"escalation_id" integer NOT NULL,
	"level" integer NOT NULL,
	"decision" text NOT NULL,
	"person_id" text NOT NULL,
	"on_behalf_of" text,
	"reason" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"escalation_id" integer NOT NULL,
	"purpose" text NOT NULL,
	"person_id" text,
	"level" integer,
	"outbox_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"severity" text DEFAULT 'medium' NOT NULL,
	"goal_id" text,
	"raised_by" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"level" integer DEFAULT 1 NOT NULL,
	"level_started_at" timestamp with time zone NOT NULL,
	"sla_due_at" timestamp with time zone,
	"top_reminders" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"decision_reason" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution_note" text
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "topic" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "update_of" bigint;--> statement-breakpoint
ALTER TABLE "absences" ADD CONSTRAINT "absences_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_decisions" ADD CONSTRAINT "escalation_decisions_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_messages" ADD CONSTRAINT "escalation_messages_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "absences_current_idx" ON "absences" USING btree ("relationship_id","person_id") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_decisions_once_idx" ON "escalation_decisions" USING btree ("escalation_id","level","person_id");--> statement-breakpoint
CREATE INDEX "escalation_messages_escalation_idx" ON "escalation_messages" USING btree ("escalation_id");--> statement-breakpoint
CREATE INDEX "escalations_relationship_status_idx" ON "escalations" USING btree ("relationship_id","status");--> statement-breakpoint
CREATE INDEX "escalations_raised_by_idx" ON "escalations" USING btree ("relationship_id","raised_by");