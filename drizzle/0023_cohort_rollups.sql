CREATE TABLE "merchant_cohort_bitmaps" (
	"merchant_id" integer NOT NULL,
	"cohort" date NOT NULL,
	"chunk" integer NOT NULL,
	"bits" bit(8192) NOT NULL,
	CONSTRAINT "merchant_cohort_bitmaps_merchant_id_cohort_chunk_pk" PRIMARY KEY("merchant_id","cohort","chunk")
);
--> statement-breakpoint
CREATE TABLE "merchant_cohort_daily" (
	"merchant_id" integer NOT NULL,
	"cohort" date NOT NULL,
	"day" date NOT NULL,
	"net_minor" bigint NOT NULL,
	CONSTRAINT "merchant_cohort_daily_merchant_id_cohort_day_pk" PRIMARY KEY("merchant_id","cohort","day")
);
--> statement-breakpoint
ALTER TABLE "merchant_cohort_bitmaps" ADD CONSTRAINT "merchant_cohort_bitmaps_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_cohort_daily" ADD CONSTRAINT "merchant_cohort_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE merchant_cohort_bitmaps ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_cohort_bitmaps_tenant ON merchant_cohort_bitmaps FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_cohort_bitmaps TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_cohort_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_cohort_daily_tenant ON merchant_cohort_daily FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_cohort_daily TO app_merchant;
