CREATE TABLE "goal_agreements" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"goal_id" text NOT NULL,
	"round" integer NOT NULL,
	"side" text NOT NULL,
	"person_id" text NOT NULL,
	"decision" text NOT NULL,
	"note" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issue_list_publications" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"number" integer NOT NULL,
	"reason" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"items" jsonb NOT NULL,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risks" (
	"id" serial PRIMARY KEY NOT NULL,
	"relationship_id" text NOT NULL,
	"title" text NOT NULL,
	"likelihood" integer NOT NULL,
	"impact" integer NOT NULL,
	"owner" text,
	"mitigation" text DEFAULT '' NOT NULL,
	"review_date" date,
	"status" text DEFAULT 'open' NOT NULL,
	"raised_by" text NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "topic_messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"purpose" text NOT NULL,
	"person_id" text,
	"outbox_id" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "relationships" ADD COLUMN "risk_agenda_score" integer DEFAULT 12 NOT NULL;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "description" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "measure" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "target_date" date;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "status" text DEFAULT 'proposed' NOT NULL;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "proposed_by" text;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "round" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "issue_lists" ADD COLUMN "debounce_seconds" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "resolution_note" text;--> statement-breakpoint
ALTER TABLE "issue_list_publications" ADD CONSTRAINT "issue_list_publications_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risks" ADD CONSTRAINT "risks_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "issue_list_publications_number_idx" ON "issue_list_publications" USING btree ("relationship_id","number");--> statement-breakpoint
CREATE INDEX "risks_relationship_status_idx" ON "risks" USING btree ("relationship_id","status");--> statement-breakpoint
CREATE INDEX "topic_messages_topic_idx" ON "topic_messages" USING btree ("topic");