-- Campaigns (docs/adr/0004-campaigns.md). Wall 1 of ARCHITECTURE.md: a merchant scope (role
-- app_merchant, app.merchant_id set) reads its own campaigns, rows, reports and per-customer
-- effects and nothing else. Writes happen on the owner connection only (lib/campaigns), after
-- the route's access check, like lib/jobs' model runs: the import needs COPY into staging and a
-- merge, which the merchant role has no business doing.
ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY campaigns_tenant ON campaigns FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON campaigns TO app_merchant;
--> statement-breakpoint
ALTER TABLE campaign_rows ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY campaign_rows_tenant ON campaign_rows FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON campaign_rows TO app_merchant;
--> statement-breakpoint
ALTER TABLE campaign_reports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY campaign_reports_tenant ON campaign_reports FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON campaign_reports TO app_merchant;
--> statement-breakpoint
ALTER TABLE campaign_effects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY campaign_effects_tenant ON campaign_effects FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON campaign_effects TO app_merchant;
--> statement-breakpoint
-- Staging for lib/campaigns: validated rows are COPYed here outside any transaction, tagged
-- with their upload id, checked (duplicates, groups) and merged in one transaction, then
-- deleted. UNLOGGED like staging_transactions. No policy, no grant: owner connection only.
CREATE UNLOGGED TABLE IF NOT EXISTS staging_campaign_rows (
  upload_id bigint NOT NULL,
  line integer NOT NULL,
  customer_ref text NOT NULL,
  grp text NOT NULL,
  action text NOT NULL,
  sent_on date,
  visit smallint,
  conversion smallint,
  revenue_minor bigint,
  features jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS staging_campaign_rows_upload_idx ON staging_campaign_rows (upload_id, customer_ref);
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS campaign_upload_seq;
