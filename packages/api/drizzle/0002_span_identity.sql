-- A span's identity becomes (tenant, customer, subscription, start) instead of a hash of
-- (customer, subscription, start, end): a re-import of a period that has since ended (or whose end
-- was corrected) now updates the stored span rather than adding a second one beside it. Content is
-- compared column by column, so the content hash goes too.
--
-- Existing data is re-keyed: where several spans share the new identity (the double-counted
-- corrections this migration fixes), the one written by the latest import is kept. The customers
-- concerned are queued in timeline_rebuilds (Database.migrate() rebuilds their timelines) and their
-- tenants' data versions bumped so API caches drop.
CREATE TABLE "timeline_rebuilds" (
	"tenant_id" text NOT NULL,
	"customer_id" text NOT NULL,
	CONSTRAINT "timeline_rebuilds_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id")
);
--> statement-breakpoint
ALTER TABLE "timeline_rebuilds" ADD CONSTRAINT "timeline_rebuilds_tenant_id_tenants_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("tenant_id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "timeline_rebuilds" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO "timeline_rebuilds" ("tenant_id", "customer_id")
SELECT DISTINCT "tenant_id", "customer_id" FROM "mrr_spans"
GROUP BY "tenant_id", "customer_id", "subscription_id", "start_at" HAVING count(*) > 1;
--> statement-breakpoint
DELETE FROM "mrr_spans" WHERE ctid IN (
  SELECT ranked.ctid FROM (
    SELECT s.ctid, row_number() OVER (
      PARTITION BY s."tenant_id", s."customer_id", s."subscription_id", s."start_at"
      ORDER BY i."started_at" DESC NULLS LAST, s."import_id" DESC, s."end_at" DESC NULLS FIRST
    ) AS rank
    FROM "mrr_spans" s
    LEFT JOIN "imports" i ON i."tenant_id" = s."tenant_id" AND i."import_id" = s."import_id"
  ) ranked WHERE ranked.rank > 1
);
--> statement-breakpoint
UPDATE "tenants" SET "data_version" = "data_version" + 1
WHERE "tenant_id" IN (SELECT DISTINCT "tenant_id" FROM "timeline_rebuilds");
--> statement-breakpoint
DROP INDEX "mrr_spans_customer";
--> statement-breakpoint
ALTER TABLE "mrr_spans" DROP CONSTRAINT "mrr_spans_tenant_id_source_key_pk";
--> statement-breakpoint
ALTER TABLE "mrr_spans" ADD CONSTRAINT "mrr_spans_tenant_id_customer_id_subscription_id_start_at_pk" PRIMARY KEY("tenant_id","customer_id","subscription_id","start_at");
--> statement-breakpoint
ALTER TABLE "mrr_spans" DROP COLUMN "source_key";
--> statement-breakpoint
ALTER TABLE "mrr_spans" DROP COLUMN "content_hash";
