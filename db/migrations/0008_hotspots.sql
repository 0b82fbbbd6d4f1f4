CREATE TABLE "hotspot_history" (
	"hotspot_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "hotspot_history_hotspot_id_at_pk" PRIMARY KEY("hotspot_id","at")
);
--> statement-breakpoint
CREATE TABLE "hotspots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text,
	"trend" text NOT NULL,
	"count" integer NOT NULL,
	"previous_count" integer,
	"peak_count" integer NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"outline" geometry(MultiPolygon, 4326) NOT NULL,
	"center" geometry(Point, 4326) NOT NULL,
	"topics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"areas" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"area_codes" text[] NOT NULL,
	"alert_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hotspot_history" ADD CONSTRAINT "hotspot_history_hotspot_id_hotspots_id_fk" FOREIGN KEY ("hotspot_id") REFERENCES "public"."hotspots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspots" ADD CONSTRAINT "hotspots_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotspots_outline_gist" ON "hotspots" USING gist ("outline");--> statement-breakpoint
CREATE INDEX "hotspots_center_gist" ON "hotspots" USING gist ("center");--> statement-breakpoint
CREATE INDEX "hotspots_area_codes_gin" ON "hotspots" USING gin ("area_codes");--> statement-breakpoint
CREATE INDEX "hotspots_live_idx" ON "hotspots" USING btree ("last_seen") WHERE "hotspots"."ended_at" IS NULL;