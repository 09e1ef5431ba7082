-- Wall 1 of ARCHITECTURE.md for the merchant API's tokens (docs/adr/0008-endpoint-definitions.md):
-- a merchant scope (role app_merchant, app.merchant_id set) may read its own tokens' public
-- columns, never the hashes (column grant) and never another merchant's rows (policy). Tokens are
-- created, revoked and resolved on the owner connection (lib/auth/tokens.ts). The rate-limit
-- counters are bank bookkeeping: RLS on, no policy and no grant.
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_tokens_tenant ON api_tokens FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT (id, merchant_id, name, prefix, created_at, last_used_at, revoked_at) ON api_tokens TO app_merchant;
--> statement-breakpoint
ALTER TABLE api_rate_limits ENABLE ROW LEVEL SECURITY;
