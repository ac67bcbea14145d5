/**
 * Small hand-made tenants whose figures can be worked out on paper. Stored through the same
 * import transaction as files (`storeSpans`), so timelines are built as in production.
 */
import { type MrrSpan, parseInstant } from '@nrr/core';
import type { Database } from '../src/db/connect.ts';
import { storeSpans } from '../src/imports/run-import.ts';

const day = (iso: string) => parseInstant(iso) as number;
const units = (amount: number) => amount * 10_000;

/**
 * acme (USD): a1 (US) pays 100 in January and 150 from February on; a2 (FR) pays 50 from January
 * until its service ends on 2024-03-01 (churn in March); a3 (US) starts paying 30 in March.
 * Over [2024-02-01, 2024-04-01): start 150 (a1 100 + a2 50), expansion 50, churn 50, new 30, end 180.
 */
export const ACME_SPANS: readonly MrrSpan[] = [
  span('a1', 's1', '2024-01-01', '2024-02-01', 100, { country: 'US', plan: 'Growth' }),
  span('a1', 's1', '2024-02-01', null, 150, { country: 'US', plan: 'Growth' }),
  span('a2', 's2', '2024-01-01', '2024-03-01', 50, { country: 'FR', plan: 'Starter' }),
  span('a3', 's3', '2024-03-01', null, 30, { country: 'US', plan: 'Starter' }),
];

/** globex (USD): g1 (US) pays 9,999 from January 2024 on, and g2 (US) 20 until it churns in March. */
export const GLOBEX_SPANS: readonly MrrSpan[] = [
  span('g1', 'gs1', '2024-01-01', null, 9999, { country: 'US', plan: 'Enterprise' }),
  span('g2', 'gs2', '2024-01-01', '2024-03-01', 20, { country: 'US', plan: 'Starter' }),
];

function span(
  customerId: string,
  subscriptionId: string,
  start: string,
  end: string | null,
  mrr: number,
  attributes: Record<string, string>,
): MrrSpan {
  return {
    customerId,
    subscriptionId,
    start: day(start),
    end: end === null ? null : day(end),
    mrr: units(mrr),
    currency: 'USD',
    attributes,
  };
}

/** Stores spans for an existing tenant through the import transaction. */
export async function storeTestSpans(database: Database, tenantId: string, spans: readonly MrrSpan[]) {
  return storeSpans(
    database.db,
    { tenantId, format: 'test', sourceName: 'fixtures', actor: 'test' },
    function* (_t, onRowsRead) {
      onRowsRead(spans.length);
      yield spans;
    },
  );
}
