CREATE TABLE "offer_assignments" (
	"offer_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"customer_id" bigint NOT NULL,
	"arm" smallint NOT NULL,
	"stratum" text NOT NULL,
	CONSTRAINT "offer_assignments_offer_id_customer_id_pk" PRIMARY KEY("offer_id","customer_id"),
	CONSTRAINT "offer_assignments_arm" CHECK ("offer_assignments"."arm" in (0, 1, 2))
);
--> statement-breakpoint
CREATE TABLE "offer_deliveries" (
	"offer_id" bigint PRIMARY KEY NOT NULL,
	"merchant_id" integer NOT NULL,
	"treated" integer NOT NULL,
	"json_path" text NOT NULL,
	"csv_path" text NOT NULL,
	"sha256" text NOT NULL,
	"delivered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offer_effects" (
	"result_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"customer_id" bigint NOT NULL,
	"arm" smallint NOT NULL,
	"effect_minor" bigint NOT NULL,
	"category" text NOT NULL,
	CONSTRAINT "offer_effects_result_id_customer_id_pk" PRIMARY KEY("result_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "offer_results" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "offer_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"offer_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offer_results_status" CHECK ("offer_results"."status" in ('succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "offers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"merchant_id" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"audience" jsonb NOT NULL,
	"audience_size" integer NOT NULL,
	"terms" jsonb NOT NULL,
	"variant_b" jsonb,
	"currency" char(3) NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"budget_minor" bigint NOT NULL,
	"primary_metric" text NOT NULL,
	"holdout_bp" integer NOT NULL,
	"seed" bigint NOT NULL,
	"pre_days" integer NOT NULL,
	"preview" jsonb NOT NULL,
	"timeline" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offers_status" CHECK ("offers"."status" in ('assigned', 'delivered', 'measured', 'failed', 'cancelled')),
	CONSTRAINT "offers_metric" CHECK ("offers"."primary_metric" in ('revenue', 'visits')),
	CONSTRAINT "offers_window" CHECK ("offers"."ends_on" > "offers"."starts_on"),
	CONSTRAINT "offers_holdout" CHECK ("offers"."holdout_bp" between 500 and 5000),
	CONSTRAINT "offers_budget" CHECK ("offers"."budget_minor" > 0),
	CONSTRAINT "offers_pre_days" CHECK ("offers"."pre_days" between 28 and 730)
);
--> statement-breakpoint
ALTER TABLE "offer_assignments" ADD CONSTRAINT "offer_assignments_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_assignments" ADD CONSTRAINT "offer_assignments_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_deliveries" ADD CONSTRAINT "offer_deliveries_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_deliveries" ADD CONSTRAINT "offer_deliveries_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_effects" ADD CONSTRAINT "offer_effects_result_id_offer_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."offer_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_effects" ADD CONSTRAINT "offer_effects_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_results" ADD CONSTRAINT "offer_results_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_results" ADD CONSTRAINT "offer_results_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "offer_results_offer_version_key" ON "offer_results" USING btree ("offer_id","version");--> statement-breakpoint
CREATE INDEX "offers_merchant_idx" ON "offers" USING btree ("merchant_id","created_at");--> statement-breakpoint
-- Offers (docs/adr/0018-offers.md). Wall 1: a merchant scope reads its own offers and their
-- aggregate results. Wall 3: the assignment, the delivery and the per-customer effects name bank
-- customers; RLS is enabled with no policy and the merchant role has no grant, so only the bank's
-- owner connection (the worker, the bank-only API, the CLI) reads them.
ALTER TABLE offers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY offers_tenant ON offers FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON offers TO app_merchant;
--> statement-breakpoint
ALTER TABLE offer_results ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY offer_results_tenant ON offer_results FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON offer_results TO app_merchant;
--> statement-breakpoint
ALTER TABLE offer_assignments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE offer_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE offer_effects ENABLE ROW LEVEL SECURITY;
