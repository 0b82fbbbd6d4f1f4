CREATE TABLE "areas" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"level" text NOT NULL,
	"parent_id" integer,
	"path" text[] NOT NULL,
	"population" integer DEFAULT 0 NOT NULL,
	"households" integer DEFAULT 0 NOT NULL,
	"area_m2" bigint DEFAULT 0 NOT NULL,
	"geom" geometry(MultiPolygon, 4326) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "areas_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "responders" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"department" text,
	"home_grid_id" integer,
	"status" text DEFAULT 'on_duty' NOT NULL,
	"geom" geometry(Point, 4326),
	"position_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "responders_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"category" text NOT NULL,
	"topic" text,
	"severity" text DEFAULT 'Unknown' NOT NULL,
	"status" text DEFAULT 'reported' NOT NULL,
	"title" text,
	"description" text,
	"address" text,
	"geom" geometry(Point, 4326) NOT NULL,
	"grid_id" integer,
	"area_codes" text[] NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"sla_due_at" timestamp with time zone,
	"assignee_id" integer,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"event_type" text NOT NULL,
	"headline" text NOT NULL,
	"description" text,
	"severity" text NOT NULL,
	"urgency" text NOT NULL,
	"certainty" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"onset" timestamp with time zone,
	"expires" timestamp with time zone,
	"geom" geometry(MultiPolygon, 4326) NOT NULL,
	"area_codes" text[] NOT NULL,
	"affected_grids" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feed" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"topic" text NOT NULL,
	"layer" text NOT NULL,
	"area_codes" text[] NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_parent_id_areas_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responders" ADD CONSTRAINT "responders_home_grid_id_areas_id_fk" FOREIGN KEY ("home_grid_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_grid_id_areas_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_assignee_id_responders_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."responders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "areas_geom_gist" ON "areas" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "areas_level_idx" ON "areas" USING btree ("level");--> statement-breakpoint
CREATE INDEX "areas_parent_idx" ON "areas" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "responders_geom_gist" ON "responders" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "responders_home_grid_idx" ON "responders" USING btree ("home_grid_id");--> statement-breakpoint
CREATE INDEX "case_events_case_idx" ON "case_events" USING btree ("case_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_channel_external_id_uq" ON "cases" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "cases_geom_gist" ON "cases" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "cases_grid_idx" ON "cases" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "cases_area_codes_gin" ON "cases" USING gin ("area_codes");--> statement-breakpoint
CREATE INDEX "cases_kind_status_idx" ON "cases" USING btree ("kind","status");--> statement-breakpoint
CREATE INDEX "cases_reported_at_idx" ON "cases" USING btree ("reported_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_source_external_id_uq" ON "alerts" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "alerts_geom_gist" ON "alerts" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "alerts_area_codes_gin" ON "alerts" USING gin ("area_codes");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "feed_area_codes_gin" ON "feed" USING gin ("area_codes");--> statement-breakpoint
CREATE INDEX "feed_at_idx" ON "feed" USING btree ("at");