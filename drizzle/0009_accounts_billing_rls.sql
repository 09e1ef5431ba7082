-- Wall 1 of ARCHITECTURE.md for the account tables (docs/adr/0005-accounts-billing.md): a merchant
-- scope (role app_merchant, app.merchant_id set) may read its own account (plan, status) and its
-- own audit entries, nothing else. Every write happens on the owner connection (lib/billing,
-- lib/accounts, lib/audit). stripe_events and invitations are bank operations: RLS on, no policy
-- and no grant, so a merchant scope sees none of them.
ALTER TABLE merchant_accounts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_accounts_tenant ON merchant_accounts FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_accounts TO app_merchant;
--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_log_tenant ON audit_log FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON audit_log TO app_merchant;
--> statement-breakpoint
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
