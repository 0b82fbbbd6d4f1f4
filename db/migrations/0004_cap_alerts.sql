CREATE TABLE "alert_acks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" bigint NOT NULL,
	"area_code" text NOT NULL,
	"user_id" integer,
	"actor" text NOT NULL,
	"actor_label" text,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "message_status" text DEFAULT 'Actual' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "msg_type" text DEFAULT 'Alert' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "on_wall" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "translations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "cap" jsonb;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "superseded_by" bigint;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "created_by" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "impact" jsonb DEFAULT '{"openCases":0,"onDutyResponders":0,"population":0}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "ack_areas" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "escalation_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "next_escalation_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alert_acks" ADD CONSTRAINT "alert_acks_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_acks" ADD CONSTRAINT "alert_acks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_acks_alert_area_uq" ON "alert_acks" USING btree ("alert_id","area_code");--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_superseded_by_alerts_id_fk" FOREIGN KEY ("superseded_by") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_expires_idx" ON "alerts" USING btree ("expires") WHERE status IN ('active', 'acknowledged') AND expires IS NOT NULL;--> statement-breakpoint
CREATE INDEX "alerts_escalation_idx" ON "alerts" USING btree ("next_escalation_at") WHERE next_escalation_at IS NOT NULL;