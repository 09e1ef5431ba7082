-- Issue 18, ADR 0026: the portfolio (an RM's or a bank admin's merchants) read by one set-based
-- statement instead of one scoped transaction per merchant. A portfolio scope
-- (lib/tenancy/scope.ts, withPortfolioScope) runs as the role app_portfolio with the
-- transaction-local setting app.portfolio_merchants: the set of merchants the actor was authorized
-- for by lib/auth/access.ts, as the hex of a bit string (bit i of byte i >> 3 set for merchant
-- id i, get_bit's numbering). The role may read exactly the tables the portfolio page
-- shows, and of those only the listed merchants' rows; app_merchant's policies are untouched, so
-- merchant pages plan as before. app_merchant cannot become app_portfolio (it is not a member) nor
-- call set_config (0018), and the scope guard refuses SET statements. The set is decoded once per
-- scan (a scalar subquery, an InitPlan) and a row's check is one get_bit: O(1), where
-- `merchant_id = any(array)` became an index condition whose array (the whole portfolio) the
-- btree sorted again on every rescan, so the portfolio's cost grew with its size squared.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_portfolio') THEN
    CREATE ROLE app_portfolio NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION
  -- As 0001: two databases of one server migrating at once both create the cluster-wide role.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_portfolio_merchants() RETURNS bytea
  LANGUAGE sql STABLE
  AS $$ SELECT decode(coalesce(current_setting('app.portfolio_merchants', true), ''), 'hex') $$;
--> statement-breakpoint
-- Whether merchant `id` is in the set `members` (false beyond its end). CASE keeps get_bit from
-- being evaluated out of range.
CREATE OR REPLACE FUNCTION app_portfolio_has(id integer, members bytea) RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN id >= 0 AND id < 8 * length(members) THEN get_bit(members, id) = 1 ELSE false END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_portfolio;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_portfolio_merchants() TO app_portfolio;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_portfolio_has(integer, bytea) TO app_portfolio;
--> statement-breakpoint
CREATE POLICY merchant_daily_portfolio ON merchant_daily FOR SELECT TO app_portfolio USING (app_portfolio_has(merchant_id, (SELECT app_portfolio_merchants())));
--> statement-breakpoint
GRANT SELECT ON merchant_daily TO app_portfolio;
--> statement-breakpoint
CREATE POLICY merchant_day_customer_bitmaps_portfolio ON merchant_day_customer_bitmaps FOR SELECT TO app_portfolio USING (app_portfolio_has(merchant_id, (SELECT app_portfolio_merchants())));
--> statement-breakpoint
GRANT SELECT ON merchant_day_customer_bitmaps TO app_portfolio;
--> statement-breakpoint
CREATE POLICY merchant_customers_portfolio ON merchant_customers FOR SELECT TO app_portfolio USING (app_portfolio_has(merchant_id, (SELECT app_portfolio_merchants())));
--> statement-breakpoint
GRANT SELECT ON merchant_customers TO app_portfolio;
--> statement-breakpoint
CREATE POLICY upgrade_requests_portfolio ON upgrade_requests FOR SELECT TO app_portfolio USING (app_portfolio_has(merchant_id, (SELECT app_portfolio_merchants())));
--> statement-breakpoint
GRANT SELECT ON upgrade_requests TO app_portfolio;
--> statement-breakpoint
CREATE POLICY model_runs_portfolio ON model_runs FOR SELECT TO app_portfolio USING (app_portfolio_has(merchant_id, (SELECT app_portfolio_merchants())));
--> statement-breakpoint
GRANT SELECT ON model_runs TO app_portfolio;
