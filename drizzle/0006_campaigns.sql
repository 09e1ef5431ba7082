CREATE TABLE "campaign_effects" (
	"report_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"customer_ref" text NOT NULL,
	"effects" jsonb NOT NULL,
	"recommended" text,
	"category" text NOT NULL,
	CONSTRAINT "campaign_effects_report_id_customer_ref_pk" PRIMARY KEY("report_id","customer_ref")
);
--> statement-breakpoint
CREATE TABLE "campaign_reports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "campaign_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"campaign_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"elapsed_ms" integer NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_reports_status" CHECK ("campaign_reports"."status" in ('succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "campaign_rows" (
	"campaign_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"line" integer NOT NULL,
	"customer_ref" text NOT NULL,
	"customer_id" bigint,
	"grp" text NOT NULL,
	"action" text NOT NULL,
	"sent_on" date,
	"visit" smallint,
	"conversion" smallint,
	"revenue_minor" bigint,
	"features" jsonb NOT NULL,
	CONSTRAINT "campaign_rows_campaign_id_customer_ref_pk" PRIMARY KEY("campaign_id","customer_ref"),
	CONSTRAINT "campaign_rows_group" CHECK ("campaign_rows"."grp" in ('treatment', 'control'))
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "campaigns_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"merchant_id" integer NOT NULL,
	"name" text NOT NULL,
	"format" text NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"row_count" integer NOT NULL,
	"unknown_customers" integer NOT NULL,
	"outcome_columns" jsonb NOT NULL,
	"outcome_source" text NOT NULL,
	"window_days" integer NOT NULL,
	"feature_names" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_format" CHECK ("campaigns"."format" in ('campaign', 'hillstrom')),
	CONSTRAINT "campaigns_outcome_source" CHECK ("campaigns"."outcome_source" in ('file', 'derived')),
	CONSTRAINT "campaigns_window_positive" CHECK ("campaigns"."window_days" > 0)
);
--> statement-breakpoint
ALTER TABLE "campaign_effects" ADD CONSTRAINT "campaign_effects_report_id_campaign_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."campaign_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_effects" ADD CONSTRAINT "campaign_effects_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_reports" ADD CONSTRAINT "campaign_reports_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_reports" ADD CONSTRAINT "campaign_reports_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_rows" ADD CONSTRAINT "campaign_rows_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_rows" ADD CONSTRAINT "campaign_rows_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_reports_campaign_version_key" ON "campaign_reports" USING btree ("campaign_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_merchant_sha_key" ON "campaigns" USING btree ("merchant_id","file_sha256");