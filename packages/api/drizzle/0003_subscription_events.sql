-- Raw subscription events, so that each events import recomputes the spans of the subscriptions
-- it touches from all their stored events (row-level security as for the other tenant tables).
CREATE TABLE "subscription_events" (
	"tenant_id" text NOT NULL,
	"event_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"event" jsonb NOT NULL,
	"import_id" text NOT NULL,
	CONSTRAINT "subscription_events_tenant_id_event_id_pk" PRIMARY KEY("tenant_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_tenant_id_tenants_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscription_events_subscription" ON "subscription_events" USING btree ("tenant_id","subscription_id");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "subscription_events" TO nrr_app;
--> statement-breakpoint
ALTER TABLE "subscription_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "subscription_events" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
