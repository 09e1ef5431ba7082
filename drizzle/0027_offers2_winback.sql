CREATE TABLE "offer_winback" (
	"merchant_id" integer PRIMARY KEY NOT NULL,
	"churn_run_id" bigint,
	"source" text NOT NULL,
	"reason" text,
	"own_offers" integer DEFAULT 0 NOT NULL,
	"pool_merchants" integer,
	"pool_level" text,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offer_winback_source" CHECK ("offer_winback"."source" in ('own', 'pooled', 'none'))
);
--> statement-breakpoint
ALTER TABLE "offer_winback" ADD CONSTRAINT "offer_winback_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- The win-back curve (docs/offers.md, "Learning"): aggregates of the merchant's own customers,
-- read in its scope (wall 1); written by the bank's owner connection (the worker).
ALTER TABLE offer_winback ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY offer_winback_tenant ON offer_winback FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON offer_winback TO app_merchant;
