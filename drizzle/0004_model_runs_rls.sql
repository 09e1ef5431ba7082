-- Wall 1 of ARCHITECTURE.md for the stored model runs (as 0001_rls_roles.sql does for the other
-- merchant-owned tables): a merchant scope (role app_merchant, app.merchant_id set) reads its own
-- runs and per-customer outputs and nothing else; writes happen on the owner connection only
-- (lib/jobs). model_jobs, the outbox, is bank operations: no policy and no grant, so a merchant
-- scope cannot even see whose data changed.
ALTER TABLE model_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY model_runs_tenant ON model_runs FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON model_runs TO app_merchant;
--> statement-breakpoint
ALTER TABLE model_customer_outputs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY model_customer_outputs_tenant ON model_customer_outputs FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON model_customer_outputs TO app_merchant;
--> statement-breakpoint
ALTER TABLE model_jobs ENABLE ROW LEVEL SECURITY;
