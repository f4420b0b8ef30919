ALTER TABLE "escalation_levels" ADD COLUMN "ladder" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "escalation_levels" DROP CONSTRAINT "escalation_levels_relationship_id_position_pk";--> statement-breakpoint
ALTER TABLE "escalation_levels" ADD CONSTRAINT "escalation_levels_relationship_id_ladder_position_pk" PRIMARY KEY("relationship_id","ladder","position");
