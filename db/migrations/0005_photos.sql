CREATE TABLE "photos" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" bigint,
	"uploaded_by" text NOT NULL,
	"media_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"sha256" text NOT NULL,
	"source_sha256" text NOT NULL,
	"source_type" text NOT NULL,
	"source_size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attached_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "responders" ADD COLUMN "position_accuracy" real;--> statement-breakpoint
ALTER TABLE "photos" ADD CONSTRAINT "photos_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "photos_case_idx" ON "photos" USING btree ("case_id") WHERE case_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "photos_unattached_source_uq" ON "photos" USING btree ("uploaded_by","source_sha256") WHERE case_id IS NULL;--> statement-breakpoint
CREATE INDEX "photos_unattached_created_idx" ON "photos" USING btree ("created_at") WHERE case_id IS NULL;--> statement-breakpoint
CREATE INDEX "cases_queue_idx" ON "cases" USING btree (coalesce("sla_due_at", 'infinity'::timestamptz),"id") WHERE status NOT IN ('closed', 'rejected', 'merged');--> statement-breakpoint
CREATE INDEX "cases_open_scope_idx" ON "cases" USING btree ("status","sla_state","area_codes") WHERE status NOT IN ('closed', 'rejected', 'merged');