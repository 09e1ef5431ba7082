-- Issue 18: the portfolio (an RM's or a bank admin's merchants) read by one set-based query
-- instead of one scoped transaction per merchant. A portfolio scope (lib/tenancy/scope.ts,
-- withPortfolioScope) runs as app_merchant with the transaction-local setting
-- app.portfolio_merchant_ids = '{1,2,…}' (the merchants the actor was authorized for by
-- lib/auth/access.ts) and app.merchant_id unset. These extra SELECT policies let it read, on
-- exactly the tables the portfolio page shows, the rows of those merchants; every other table's
-- policy still needs app.merchant_id, so the portfolio scope sees nothing else. app_merchant
-- cannot call set_config (0018) and the scope guard refuses SET statements, so a merchant scope
-- cannot widen itself into a portfolio.
CREATE OR REPLACE FUNCTION app_portfolio_merchant_ids() RETURNS integer[]
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('app.portfolio_merchant_ids', true), '')::integer[], '{}'::integer[]) $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_portfolio_merchant_ids() TO app_merchant;
--> statement-breakpoint
CREATE POLICY merchant_daily_portfolio ON merchant_daily FOR SELECT TO app_merchant USING (merchant_id = any(app_portfolio_merchant_ids()));
--> statement-breakpoint
CREATE POLICY merchant_day_customer_bitmaps_portfolio ON merchant_day_customer_bitmaps FOR SELECT TO app_merchant USING (merchant_id = any(app_portfolio_merchant_ids()));
--> statement-breakpoint
CREATE POLICY merchant_customers_portfolio ON merchant_customers FOR SELECT TO app_merchant USING (merchant_id = any(app_portfolio_merchant_ids()));
--> statement-breakpoint
CREATE POLICY upgrade_requests_portfolio ON upgrade_requests FOR SELECT TO app_merchant USING (merchant_id = any(app_portfolio_merchant_ids()));
--> statement-breakpoint
CREATE POLICY model_runs_portfolio ON model_runs FOR SELECT TO app_merchant USING (merchant_id = any(app_portfolio_merchant_ids()));
