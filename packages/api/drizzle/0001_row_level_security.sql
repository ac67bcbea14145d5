-- Row-level security: the API runs every tenant-scoped transaction as the role nrr_app with the
-- setting app.tenant_id (see src/db/tenant-scope.ts), so even a query that forgot its tenant
-- predicate sees only that tenant's rows. The connecting (owner) role keeps full access for
-- migrations, authentication by key hash and operator commands.
DO $$
BEGIN
  CREATE ROLE nrr_app NOLOGIN;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO nrr_app;
--> statement-breakpoint
GRANT SELECT, UPDATE ON "tenants" TO nrr_app;
--> statement-breakpoint
GRANT SELECT ON "api_keys" TO nrr_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "imports", "mrr_spans", "customer_timelines", "fx_rates" TO nrr_app;
--> statement-breakpoint
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "imports" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "mrr_spans" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "customer_timelines" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fx_rates" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "tenants" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "api_keys" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "imports" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "mrr_spans" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "customer_timelines" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "fx_rates" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
