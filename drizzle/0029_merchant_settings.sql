CREATE TABLE "merchant_settings" (
	"merchant_id" integer PRIMARY KEY NOT NULL,
	"gross_margin_bp" integer,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merchant_settings_gross_margin_bp" CHECK ("merchant_settings"."gross_margin_bp" is null or "merchant_settings"."gross_margin_bp" between 1 and 10000)
);
--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD CONSTRAINT "merchant_settings_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD CONSTRAINT "merchant_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Wall 1 (as drizzle/0009 for merchant_accounts): a merchant scope reads its own settings only;
-- every write happens on the owner connection (lib/accounts/settings.ts), which authorizes the
-- actor (the merchant's owner, its relationship manager or a bank admin) and audit-logs it.
ALTER TABLE merchant_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_settings_tenant ON merchant_settings FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_settings TO app_merchant;
