CREATE TABLE "upgrade_requests" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "upgrade_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"merchant_id" integer NOT NULL,
	"plan" text NOT NULL,
	"requested_by" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "upgrade_requests_plan" CHECK ("upgrade_requests"."plan" in ('start', 'pro', 'business'))
);
--> statement-breakpoint
ALTER TABLE "upgrade_requests" ADD CONSTRAINT "upgrade_requests_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upgrade_requests" ADD CONSTRAINT "upgrade_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "upgrade_requests_open_idx" ON "upgrade_requests" USING btree ("merchant_id") WHERE "upgrade_requests"."closed_at" is null;--> statement-breakpoint
-- Wall 1 (as drizzle/0009 for merchant_accounts): a merchant scope reads its own requests only;
-- every write happens on the owner connection (lib/accounts/upgrades.ts).
ALTER TABLE upgrade_requests ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY upgrade_requests_tenant ON upgrade_requests FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON upgrade_requests TO app_merchant;
