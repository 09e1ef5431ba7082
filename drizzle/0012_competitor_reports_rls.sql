-- Stored competitor reports are read and written only by lib/privacy on the owner connection
-- (docs/adr/0007-stored-competitor-reports.md): row-level security on, no policy and no grant,
-- so a merchant scope (role app_merchant) sees none of them.
ALTER TABLE competitor_reports ENABLE ROW LEVEL SECURITY;
