CREATE TABLE "governance_revision" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"revision" bigint NOT NULL,
	"applied_at" timestamp with time zone NOT NULL
);
