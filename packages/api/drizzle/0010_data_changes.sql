-- The change log of data versions (issue 15, "fresh at once, incrementally"): one row per bump of
-- tenants.data_version, written in the bump's transaction, naming the customers whose spans changed
-- (null: everything) or saying only exchange rates changed. API instances patch their timelines
-- from it (src/analytics/tenant-analytics.ts). Tenant-scoped with the same row-level security as
-- the other tables (0001).
CREATE TABLE "data_changes" (
	"tenant_id" text NOT NULL,
	"data_version" bigint NOT NULL,
	"customer_ids" text[],
	"rates_only" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_changes_tenant_id_data_version_pk" PRIMARY KEY("tenant_id","data_version")
);
--> statement-breakpoint
ALTER TABLE "data_changes" ADD CONSTRAINT "data_changes_tenant_id_tenants_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("tenant_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "data_changes" TO nrr_app;
--> statement-breakpoint
ALTER TABLE "data_changes" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "data_changes" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
