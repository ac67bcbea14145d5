-- Spans become the only stored form of a tenant's revenue: the API builds its timeline from them
-- when it loads a tenant (reading a tenant's spans costs about what reading its stored timelines
-- did), and an import no longer writes a second, derived copy of every customer.
DROP TABLE "customer_timelines";
--> statement-breakpoint
DROP TABLE "timeline_rebuilds";
--> statement-breakpoint
-- Ids compare byte by byte ("C"): the primary key is built without the locale's collation rules,
-- about a third of the cost of a large import's insert. Spans are read in this order, then put in
-- code-unit order by the API where the two differ.
ALTER TABLE "mrr_spans" ALTER COLUMN "customer_id" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "mrr_spans" ALTER COLUMN "subscription_id" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
-- No foreign key to tenants: its check ran once per inserted row, as costly as the insert itself.
-- Imports hold the tenant's row lock (FOR UPDATE) from before their first span to commit, so a
-- span is never written for a tenant that does not exist; the cascade becomes a trigger.
ALTER TABLE "mrr_spans" DROP CONSTRAINT "mrr_spans_tenant_id_tenants_tenant_id_fk";
--> statement-breakpoint
CREATE FUNCTION "nrr_delete_tenant_spans"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "mrr_spans" WHERE "tenant_id" = OLD."tenant_id";
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "tenants_delete_spans" AFTER DELETE ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION "nrr_delete_tenant_spans"();
