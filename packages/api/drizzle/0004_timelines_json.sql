-- Timelines as json (the text as written) rather than jsonb: nothing queries inside them, and
-- decomposing half a million documents into jsonb dominated the end of a large import.
ALTER TABLE "customer_timelines" ALTER COLUMN "attributes" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "customer_timelines" ALTER COLUMN "entities" SET DATA TYPE json USING "entities"::json;--> statement-breakpoint
ALTER TABLE "customer_timelines" ALTER COLUMN "attributes" SET DATA TYPE json USING "attributes"::json;--> statement-breakpoint
ALTER TABLE "customer_timelines" ALTER COLUMN "attributes" SET DEFAULT '{}'::json;
