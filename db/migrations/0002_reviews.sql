CREATE TABLE "issues" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"proposed_by" text NOT NULL,
	"owner" text,
	"due_date" date,
	"origin" text DEFAULT 'chat' NOT NULL,
	"review_occurrence_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_occurrences" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"series_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"calendar_token" text NOT NULL,
	"tally_outbox_id" bigint,
	"minutes" jsonb,
	"minutes_by" text,
	"minutes_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_rsvps" (
	"occurrence_id" integer NOT NULL,
	"person_id" text NOT NULL,
	"response" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "review_rsvps_occurrence_id_person_id_pk" PRIMARY KEY("occurrence_id","person_id")
);
--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "source" text DEFAULT 'file' NOT NULL;--> statement-breakpoint
ALTER TABLE "review_series" ADD COLUMN "join_url" text;--> statement-breakpoint
ALTER TABLE "review_series" ADD COLUMN "source" text DEFAULT 'file' NOT NULL;--> statement-breakpoint
ALTER TABLE "review_series" ADD COLUMN "scheduled_by" text;--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_occurrences" ADD CONSTRAINT "review_occurrences_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_rsvps" ADD CONSTRAINT "review_rsvps_occurrence_id_review_occurrences_id_fk" FOREIGN KEY ("occurrence_id") REFERENCES "public"."review_occurrences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issues_relationship_status_idx" ON "issues" USING btree ("relationship_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "review_occurrences_start_idx" ON "review_occurrences" USING btree ("relationship_id","series_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "review_occurrences_token_idx" ON "review_occurrences" USING btree ("calendar_token");