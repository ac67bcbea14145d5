import { type Instant, type MrrSpan, parseInstant, unitsFromNumber } from '../../src/index.ts';

/** An ISO date as an instant; throws on a typo so that tests never run on NaN. */
export function day(iso: string): Instant {
  const instant = parseInstant(iso);
  if (instant === undefined) throw new Error(`bad test date ${iso}`);
  return instant;
}

/** A span in currency units (not units of 1/10,000), for readable tests. */
export function span(
  customerId: string,
  start: string,
  end: string | null,
  monthly: number,
  extra: Partial<Pick<MrrSpan, 'subscriptionId' | 'currency' | 'attributes' | 'canceledAt'>> = {},
): MrrSpan {
  return {
    customerId,
    subscriptionId: extra.subscriptionId ?? `${customerId}-sub`,
    start: day(start),
    end: end === null ? null : day(end),
    mrr: unitsFromNumber(monthly),
    currency: extra.currency ?? 'USD',
    ...(extra.attributes ? { attributes: extra.attributes } : {}),
    ...(extra.canceledAt === undefined ? {} : { canceledAt: extra.canceledAt }),
  };
}

/**
 * A customer paying `startMrr` before the period [2024-01-01, 2025-01-01) and `endMrr` at its end,
 * changing on 2024-05-15 (one subscription whose price changes, or ends when `endMrr` is 0).
 */
export function customerOverYear(
  id: string,
  startMrr: number,
  endMrr: number,
  attributes?: Record<string, string>,
): MrrSpan[] {
  const extra = attributes ? { attributes } : {};
  const spans = [span(id, '2023-03-01', '2024-05-15', startMrr, extra)];
  if (endMrr > 0) spans.push(span(id, '2024-05-15', null, endMrr, extra));
  return spans;
}
