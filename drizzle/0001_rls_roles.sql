-- Wall 1 of ARCHITECTURE.md: row-level security on every merchant-owned table.
-- Scoped work runs as the non-superuser role app_merchant (SET LOCAL ROLE) with the tenant in
-- the transaction-local setting app.merchant_id; without the setting every policy matches nothing.
-- Roles are cluster-wide, so create it only once.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_merchant') THEN
    CREATE ROLE app_merchant NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION
  -- Two databases of one server migrating at the same moment both see no role and both create
  -- it; the loser's CREATE ROLE fails on pg_authid's unique index. The role exists either way.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_current_merchant_id() RETURNS integer
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.merchant_id', true), '')::integer $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_merchant;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_current_merchant_id() TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchants_tenant ON merchants FOR SELECT TO app_merchant USING (id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchants TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_bank_ids ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_bank_ids_tenant ON merchant_bank_ids FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_bank_ids TO app_merchant;
--> statement-breakpoint
ALTER TABLE transactions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY transactions_tenant ON transactions FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON transactions TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_daily_tenant ON merchant_daily FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_daily TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_hourly ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_hourly_tenant ON merchant_hourly FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_hourly TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_customers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_customers_tenant ON merchant_customers FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_customers TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_customer_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_customer_daily_tenant ON merchant_customer_daily FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_customer_daily TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_day_customer_bitmaps ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_day_customer_bitmaps_tenant ON merchant_day_customer_bitmaps FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_day_customer_bitmaps TO app_merchant;
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY memberships_tenant ON memberships FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON memberships TO app_merchant;
