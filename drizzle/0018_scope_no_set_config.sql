-- Issue 14 item 10 (in part): inside a scoped transaction (role app_merchant) a query could call
-- set_config() to move app.merchant_id to another merchant, or set_config('role', ...) to leave
-- the role, in a single SELECT. The scoped role may not call set_config at all any more; the
-- scope is set by the owner before it switches role (lib/tenancy/scope.ts). A separate
-- RESET ROLE / SET statement stays possible for code that issues one (docs/security.md).
REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
