-- Stripe webhooks in (issue 15): the tenants' endpoint secrets, stored encrypted (verifying an
-- HMAC needs the secret itself, see src/stripe/secrets.ts), and Stripe customer events, whose
-- attributes (country, metadata) join the spans of the customer's subscriptions; an index finds a
-- customer's subscription events. Row-level security as for the other tenant tables; secrets,
-- like API keys, are written by operator commands only, so the API's role may only read them.
CREATE TABLE "customer_events" (
	"tenant_id" text NOT NULL,
	"event_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"import_id" text NOT NULL,
	CONSTRAINT "customer_events_tenant_id_event_id_pk" PRIMARY KEY("tenant_id","event_id"),
	CONSTRAINT "customer_events_kind" CHECK ("customer_events"."kind" in ('created', 'updated'))
);
--> statement-breakpoint
CREATE TABLE "stripe_endpoint_secrets" (
	"tenant_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"secret_encrypted" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_endpoint_secrets_tenant_id_fingerprint_pk" PRIMARY KEY("tenant_id","fingerprint")
);
--> statement-breakpoint
ALTER TABLE "customer_events" ADD CONSTRAINT "customer_events_tenant_id_tenants_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_endpoint_secrets" ADD CONSTRAINT "stripe_endpoint_secrets_tenant_id_tenants_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_events_customer" ON "customer_events" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "subscription_events_customer" ON "subscription_events" USING btree ("tenant_id","customer_id");
--> statement-breakpoint
GRANT SELECT ON "stripe_endpoint_secrets" TO nrr_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "customer_events" TO nrr_app;
--> statement-breakpoint
ALTER TABLE "stripe_endpoint_secrets" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "customer_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "stripe_endpoint_secrets" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "customer_events" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
