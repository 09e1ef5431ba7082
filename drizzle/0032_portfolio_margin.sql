-- Issue 17 ("CLV in margin when the merchant gives a margin"), ADR 0026: the portfolio shows each
-- merchant's revenue at risk in margin when the merchant set one, so the portfolio scope
-- (role app_portfolio, lib/tenancy/scope.ts withPortfolioScope) reads merchant_settings too, with
-- the same policy as the portfolio's other tables (drizzle/0025): exactly the listed merchants'
-- rows. Writes stay on the owner connection (lib/accounts/settings.ts).
CREATE POLICY merchant_settings_portfolio ON merchant_settings FOR SELECT TO app_portfolio USING (app_portfolio_has(merchant_id, (SELECT app_portfolio_merchants())));
--> statement-breakpoint
GRANT SELECT ON merchant_settings TO app_portfolio;
