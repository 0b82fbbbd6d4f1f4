CREATE TABLE "indicator_daily" (
	"area_code" text NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"reported" integer DEFAULT 0 NOT NULL,
	"registered" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"dispatched" integer DEFAULT 0 NOT NULL,
	"returned" integer DEFAULT 0 NOT NULL,
	"handled" integer DEFAULT 0 NOT NULL,
	"handled_on_time" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"rework" integer DEFAULT 0 NOT NULL,
	"merged" integer DEFAULT 0 NOT NULL,
	"suspended" integer DEFAULT 0 NOT NULL,
	"extended" integer DEFAULT 0 NOT NULL,
	"turned_overdue" integer DEFAULT 0 NOT NULL,
	"escalated" integer DEFAULT 0 NOT NULL,
	"handle_timed" integer DEFAULT 0 NOT NULL,
	"handle_work_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "indicator_daily_pk" PRIMARY KEY("area_code","day","kind","shard")
);
--> statement-breakpoint
CREATE TABLE "indicator_open" (
	"area_code" text NOT NULL,
	"kind" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"open" integer DEFAULT 0 NOT NULL,
	"overdue" integer DEFAULT 0 NOT NULL,
	"warning" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "indicator_open_pk" PRIMARY KEY("area_code","kind","shard")
);
--> statement-breakpoint
CREATE INDEX "cases_open_area_codes_gin" ON "cases" USING gin ("area_codes") WHERE status NOT IN ('closed', 'rejected', 'merged');