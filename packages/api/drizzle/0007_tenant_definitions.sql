-- Tenant settings (issue 14): the tenant's definitions (docs/metrics.md, "Definitions") as the
-- resolved set `{ preset, grain, churnDate, … }`; '{}' is the engine's defaults. A column of
-- `tenants`, so it has the tenants table's row-level security policy and nrr_app's SELECT and
-- UPDATE grants (migration 0001), and changes in the same row, and transaction, as the data
-- version it bumps.
ALTER TABLE "tenants" ADD COLUMN "definitions" jsonb DEFAULT '{}'::jsonb NOT NULL;
