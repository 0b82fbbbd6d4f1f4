CREATE TABLE "case_commands" (
	"command_id" text PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"actor" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"working" boolean NOT NULL,
	"name" text
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "responders" ADD COLUMN "user_id" integer;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "version" integer;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "data" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "command_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "rework" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "prior_status" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "merged_into" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "duplicate_of" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "pending_suspension" jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "pending_extension" jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_clock" jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_stage" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_warn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_state" text DEFAULT 'normal' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_beyond_calendar" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "escalation_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "next_escalation_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_commands" ADD CONSTRAINT "case_commands_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_commands_created_idx" ON "case_commands" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "responders" ADD CONSTRAINT "responders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_merged_into_cases_id_fk" FOREIGN KEY ("merged_into") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_duplicate_of_cases_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_events_at_idx" ON "case_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "cases_sla_warn_idx" ON "cases" USING btree ("sla_warn_at") WHERE sla_state = 'normal' AND sla_warn_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_sla_due_idx" ON "cases" USING btree ("sla_due_at") WHERE sla_state <> 'overdue' AND sla_due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_escalation_idx" ON "cases" USING btree ("next_escalation_at") WHERE next_escalation_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_assignee_open_idx" ON "cases" USING btree ("assignee_id") WHERE status IN ('dispatched', 'in_progress', 'handled', 'suspended');--> statement-breakpoint
CREATE INDEX "cases_duplicate_of_idx" ON "cases" USING btree ("duplicate_of") WHERE duplicate_of IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_open_category_idx" ON "cases" USING btree ("category","reported_at") WHERE status NOT IN ('closed', 'rejected', 'merged');--> statement-breakpoint
ALTER TABLE "responders" ADD CONSTRAINT "responders_user_id_unique" UNIQUE("user_id");--> statement-breakpoint
-- Data: the lifecycle vocabulary of server/domain/workflow replaces the first draft's.
UPDATE "cases" SET "status" = CASE "status"
  WHEN 'handling' THEN 'in_progress' WHEN 'rework' THEN 'in_progress' WHEN 'extended' THEN 'in_progress'
  WHEN 'feedback' THEN 'handled' WHEN 'evaluated' THEN 'closed' ELSE "status" END
WHERE "status" IN ('handling', 'rework', 'extended', 'feedback', 'evaluated');--> statement-breakpoint
-- Data: live cases get the clock of their stage, started at the report (the scheduler recomputes deadlines it finds missing).
UPDATE "cases" SET "sla_stage" = s.stage,
  "sla_clock" = jsonb_build_object('stage', s.stage, 'startedAt', floor(extract(epoch FROM "reported_at") * 1000)::bigint, 'pauses', '[]'::jsonb, 'extensions', '[]'::jsonb)
FROM (VALUES ('reported', 'register'), ('registered', 'dispatch'), ('returned', 'dispatch'), ('dispatched', 'handle'), ('in_progress', 'handle'), ('handled', 'verify')) AS s(status, stage)
WHERE "cases"."status" = s.status;
