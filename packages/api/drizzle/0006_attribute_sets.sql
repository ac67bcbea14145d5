-- Span attributes are stored once per distinct set in each tenant (`span_attribute_sets`) and a
-- span refers to its set by number: a file repeats a few hundred combinations of plan, interval,
-- country and so on across a million rows, and as jsonb in every row they were half the table's
-- size and a third of the cost of storing a large import. Sets are matched by value (jsonb
-- equality: key order does not count), so a span's content still compares as before.
CREATE TABLE "span_attribute_sets" (
	"tenant_id" text NOT NULL,
	"set_id" integer NOT NULL,
	"attributes" jsonb NOT NULL,
	CONSTRAINT "span_attribute_sets_tenant_id_set_id_pk" PRIMARY KEY("tenant_id","set_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "span_attribute_sets_value" ON "span_attribute_sets" ("tenant_id", "attributes");
--> statement-breakpoint
GRANT SELECT, INSERT ON "span_attribute_sets" TO nrr_app;
--> statement-breakpoint
ALTER TABLE "span_attribute_sets" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "span_attribute_sets" TO nrr_app
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
--> statement-breakpoint
INSERT INTO "span_attribute_sets" ("tenant_id", "set_id", "attributes")
SELECT "tenant_id", (row_number() OVER (PARTITION BY "tenant_id" ORDER BY "attributes"))::integer, "attributes"
FROM (SELECT DISTINCT "tenant_id", "attributes" FROM "mrr_spans") AS "distinct_sets";
--> statement-breakpoint
ALTER TABLE "mrr_spans" ADD COLUMN "attributes_id" integer;
--> statement-breakpoint
UPDATE "mrr_spans" s SET "attributes_id" = a."set_id"
FROM "span_attribute_sets" a WHERE a."tenant_id" = s."tenant_id" AND a."attributes" = s."attributes";
--> statement-breakpoint
ALTER TABLE "mrr_spans" ALTER COLUMN "attributes_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "mrr_spans" DROP COLUMN "attributes";
--> statement-breakpoint
-- A deleted tenant's attribute sets go with its spans.
CREATE OR REPLACE FUNCTION "nrr_delete_tenant_spans"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "mrr_spans" WHERE "tenant_id" = OLD."tenant_id";
  DELETE FROM "span_attribute_sets" WHERE "tenant_id" = OLD."tenant_id";
  RETURN OLD;
END
$$;
