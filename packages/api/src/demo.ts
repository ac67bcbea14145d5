/**
 * The demo tenant: about 2,000 generated customers over the 36 months up to the current month
 * (several plans, monthly and annual billing, USD and EUR, expansions, downgrades, churn,
 * reactivations), from @nrr/core's seeded generator, with its exchange rates.
 */
import {
  addMonths,
  generatedPeriodToSpan,
  generateExchangeRates,
  generatePeriods,
  type MrrSpan,
} from '@nrr/core';
import { eq } from 'drizzle-orm';
import type { Db } from './db/connect.ts';
import { mrrSpans } from './db/schema.ts';
import { setFxRates } from './fx-rates.ts';
import { CLI_ACTOR } from './imports/import-records.ts';
import { storeSpans } from './imports/run-import.ts';
import { ensureTenant, setAllowedOrigins } from './tenants.ts';

/** Browser origins the demo tenant allows: the example host panel and widget playground in development. */
export const DEMO_ORIGINS = ['http://localhost:5173', 'http://localhost:4173', 'http://127.0.0.1:5173'];

/** Options of {@link loadDemoTenant}. */
export interface DemoOptions {
  /** Default `demo`. */
  readonly tenantId?: string;
  /** Default 2,000. */
  readonly customers?: number;
  /** Default 36. */
  readonly months?: number;
  /** Default 1; the same seed gives the same customers. */
  readonly seed?: number;
  /** First month; default 36 months before the current month (UTC). */
  readonly start?: number;
}

/** Loads the demo tenant unless it already has data; says what it did. */
export async function loadDemoTenant(
  db: Db,
  options: DemoOptions = {},
): Promise<{ created: boolean; summary: string }> {
  const tenantId = options.tenantId ?? 'demo';
  const months = options.months ?? 36;
  const now = new Date();
  const start = options.start ?? addMonths(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), -months);
  const tenant = await ensureTenant(db, {
    tenantId,
    name: 'Demo SaaS (generated)',
    reportingCurrency: 'USD',
  });
  const existing = await db
    .select({ customerId: mrrSpans.customerId })
    .from(mrrSpans)
    .where(eq(mrrSpans.tenantId, tenantId))
    .limit(1);
  if (existing.length > 0) return { created: false, summary: 'already loaded' };
  if (tenant.allowedOrigins.length === 0) await setAllowedOrigins(db, tenantId, DEMO_ORIGINS);
  const generator = {
    seed: options.seed ?? 1,
    customers: options.customers ?? 2000,
    months,
    start,
    reportingCurrency: 'USD',
  };
  await setFxRates(db, tenantId, generateExchangeRates(generator));
  const summary = await storeSpans(
    db,
    {
      tenantId,
      format: 'generated',
      sourceName: `generateBillingData(seed ${generator.seed})`,
      actor: CLI_ACTOR,
    },
    function* (_tenant, onRowsRead) {
      let rows = 0;
      let batch: MrrSpan[] = [];
      for (const period of generatePeriods(generator)) {
        rows += 1;
        batch.push(generatedPeriodToSpan(period));
        if (batch.length === 1000) {
          yield batch;
          batch = [];
        }
      }
      onRowsRead(rows);
      yield batch;
    },
  );
  return {
    created: true,
    summary: `${generator.customers} customers, ${summary.rowsStored} subscription periods over ${months} months from ${new Date(start).toISOString().slice(0, 10)}`,
  };
}
