import {
  type EventPolicy,
  eventsToSpans,
  formatMoneyUnits,
  importSubscriptionEventsJson,
  type MrrSpan,
  parseInstant,
  toIsoDate,
} from '../../src/index.ts';

/** A flat event record with sensible defaults: active, USD, 100 per month. */
export function flat(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    customer: 'cus_1',
    subscription: 'sub_1',
    status: 'active',
    currency: 'USD',
    unit_amount: '100',
    interval: 'month',
    ...fields,
  };
}

/** Imports records as a JSON array (ids added when missing) and turns them into spans. */
export function spansOf(
  records: readonly Record<string, unknown>[],
  policy: Partial<EventPolicy> = {},
): MrrSpan[] {
  const withIds = records.map((record, index) => ({ id: `evt_${index + 1}`, ...record }));
  return eventsToSpans(importSubscriptionEventsJson(JSON.stringify(withIds)).rows, policy);
}

/** A span as people read it: ISO dates (date-times when not midnight), MRR as a decimal string. */
export interface ReadableSpan {
  subscription: string;
  start: string;
  end: string | null;
  mrr: string;
  currency?: string;
  canceledAt?: string;
}

function readableInstant(instant: number): string {
  return instant % 86_400_000 === 0 ? toIsoDate(instant) : new Date(instant).toISOString();
}

/** Spans in readable form (currency and canceledAt only when asked or present). */
export function readable(spans: readonly MrrSpan[], withCurrency = false): ReadableSpan[] {
  return spans.map((span) => ({
    subscription: span.subscriptionId,
    start: readableInstant(span.start),
    end: span.end === null ? null : readableInstant(span.end),
    mrr: formatMoneyUnits(span.mrr),
    ...(withCurrency ? { currency: span.currency } : {}),
    ...(span.canceledAt === undefined ? {} : { canceledAt: readableInstant(span.canceledAt) }),
  }));
}

/** A customer's MRR at an instant: the sum of the spans in force then, as a decimal string. */
export function mrrAt(spans: readonly MrrSpan[], customerId: string, isoDate: string): string {
  const at = parseInstant(isoDate) ?? Number.NaN;
  const units = spans
    .filter(
      (span) => span.customerId === customerId && span.start <= at && (span.end === null || at < span.end),
    )
    .reduce((sum, span) => sum + span.mrr, 0);
  return formatMoneyUnits(units);
}
