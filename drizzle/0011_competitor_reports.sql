CREATE TABLE "competitor_reports" (
	"merchant_id" integer NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"fingerprint" text NOT NULL,
	"report" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "competitor_reports_merchant_id_period_from_period_to_pk" PRIMARY KEY("merchant_id","period_from","period_to")
);
--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "rollup_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "competitor_reports" ADD CONSTRAINT "competitor_reports_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;