/**
 * From invoice lines to MRR spans (retention semantics §2): recurring lines of one customer,
 * currency (and subscription, when known) with the same service period are summed, credits and
 * refunds on that period included; a period whose sum is positive becomes a span at
 * `sum ÷ length in months`; everything else is counted by why it is not MRR.
 */
import { formatInstant, type Instant, MS_PER_DAY, wholeMonthsBetween } from '../dates.ts';
import type { InvoiceLineKind, InvoiceLineRow } from '../import/invoice-lines.ts';
import type { MoneyUnits } from '../money.ts';
import type { MrrSpan } from '../spans.ts';
import { monthlyAmountForServicePeriod } from './intervals.ts';

/** What became of an invoice line in {@link invoiceLinesToSpans}. */
export type InvoiceLineOutcome =
  /** A recurring, credit or refund line of a service period whose sum is positive: part of a span. */
  | 'IN_SPAN'
  /**
   * A recurring, credit or refund line of a service period whose sum is zero or negative (or so
   * small that its MRR rounds to 0): no MRR.
   */
  | 'NON_POSITIVE_PERIOD'
  /** A credit or refund with no recurring line on its service period: not MRR. */
  | 'STANDALONE_CREDIT'
  /** A one-time charge: not MRR. */
  | 'ONE_TIME'
  /** A setup fee: not MRR. */
  | 'SETUP'
  /** A tax line: not MRR. */
  | 'TAX'
  /** A usage charge: not MRR, reported in {@link InvoiceLineSpans.usage}. */
  | 'USAGE';

/** Usage revenue of one customer, currency (and subscription) for one service period. */
export interface UsageRevenue {
  readonly customerId: string;
  /** The mapped subscription, when the lines had one. */
  readonly subscriptionId?: string;
  readonly currency: string;
  /** Service period `[from, to)`. */
  readonly from: Instant;
  readonly to: Instant;
  /** Sum of the usage lines' amounts in units, not normalised to a month. */
  readonly amount: MoneyUnits;
  /** Number of usage lines summed. */
  readonly lines: number;
}

/** The result of {@link invoiceLinesToSpans}. */
export interface InvoiceLineSpans {
  /**
   * MRR spans, sorted by customer, start, end and subscription id. One per service period with a
   * positive sum; for a mapped subscription whose periods overlap (a mid-term upgrade billed as
   * an extra prorated line), the overlapping stretches are added up so that its spans never overlap.
   */
  readonly spans: MrrSpan[];
  /** Usage revenue per service period, sorted like the spans; empty without `USAGE` lines. */
  readonly usage: UsageRevenue[];
  /** How many lines had each outcome; the counts add up to the number of lines given. */
  readonly lines: Readonly<Record<InvoiceLineOutcome, number>>;
  /** Service periods with recurring lines whose sum (or rounded MRR) was zero or negative: no span. */
  readonly nonPositivePeriods: number;
}

interface ServicePeriod {
  readonly customerId: string;
  readonly subscriptionId: string | undefined;
  readonly currency: string;
  readonly from: Instant;
  readonly to: Instant;
  /** Recurring amounts plus credits and refunds, in units. */
  sum: MoneyUnits;
  recurringLines: number;
  creditLines: number;
  usageAmount: MoneyUnits;
  usageLines: number;
  attributes: Record<string, string> | undefined;
}

/** A priced stretch of one subscription before overlaps are resolved. */
interface PricedPeriod {
  readonly from: Instant;
  readonly to: Instant;
  readonly mrr: MoneyUnits;
  readonly attributes: Readonly<Record<string, string>> | undefined;
}

/**
 * Turns invoice lines into MRR spans (retention semantics §2):
 *
 * - Only `RECURRING` lines are MRR. `CREDIT` and `REFUND` lines count when they share a service
 *   period (and customer, currency, subscription) with recurring lines, always as a reduction
 *   (`−|amount|`, whichever sign the file used); alone they are left out. `ONE_TIME`, `SETUP` and
 *   `TAX` lines are left out; `USAGE` lines are summed per period into `usage`.
 * - Lines with the same customer, currency, subscription (when mapped) and service period are
 *   summed first, so a credit discounts its period; a period whose sum is zero or negative
 *   contributes nothing (a free or fully credited period is not MRR), as does one whose MRR
 *   rounds to 0.
 * - MRR = sum ÷ length: whole calendar months when `to` is `from` plus n months (Jan 15 → Apr 15
 *   = 3, a 3-year line ÷ 36), otherwise days ÷ (365.2425 / 12); rounded half away from zero to
 *   1/10,000. A prorated line thus counts at its full-period monthly rate.
 * - Each period becomes a span `[from, to)`. Its subscription id is the mapped subscription, or
 *   else a stable synthetic id `customer@from/to/currency` (dates as ISO dates when at midnight
 *   UTC), so renewals of one customer are separate subscriptions and overlapping licences add up.
 *   A span's attributes are those of its recurring lines, later lines winning.
 */
export function invoiceLinesToSpans(rows: Iterable<InvoiceLineRow>): InvoiceLineSpans {
  const lines: Record<InvoiceLineOutcome, number> = {
    IN_SPAN: 0,
    NON_POSITIVE_PERIOD: 0,
    STANDALONE_CREDIT: 0,
    ONE_TIME: 0,
    SETUP: 0,
    TAX: 0,
    USAGE: 0,
  };
  const periods = new Map<string, ServicePeriod>();
  for (const row of rows) {
    const counted = countsTowardPeriod(row.kind);
    if (counted === 'excluded') {
      lines[row.kind as 'ONE_TIME' | 'SETUP' | 'TAX'] += 1;
      continue;
    }
    const period = servicePeriodOf(periods, row);
    switch (counted) {
      case 'recurring':
        period.sum += row.amount;
        period.recurringLines += 1;
        if (Object.keys(row.attributes).length > 0) {
          period.attributes = { ...period.attributes, ...row.attributes };
        }
        break;
      case 'credit':
        period.sum -= Math.abs(row.amount);
        period.creditLines += 1;
        break;
      case 'usage':
        period.usageAmount += row.amount;
        period.usageLines += 1;
        lines.USAGE += 1;
        break;
      default:
        counted satisfies never;
    }
  }

  const usage: UsageRevenue[] = [];
  const bySubscription = new Map<string, { period: ServicePeriod; priced: PricedPeriod[] }>();
  let nonPositivePeriods = 0;
  for (const period of periods.values()) {
    if (period.usageLines > 0) usage.push(usageOf(period));
    const recurringAndCredits = period.recurringLines + period.creditLines;
    if (period.recurringLines === 0) {
      lines.STANDALONE_CREDIT += period.creditLines;
      continue;
    }
    const mrr =
      period.sum > 0
        ? monthlyAmountForServicePeriod(period.sum, servicePeriodLength(period.from, period.to))
        : 0;
    // A positive sum can still round to an MRR of 0 (a few ten-thousandths over years): no MRR either.
    if (mrr <= 0) {
      lines.NON_POSITIVE_PERIOD += recurringAndCredits;
      nonPositivePeriods += 1;
      continue;
    }
    lines.IN_SPAN += recurringAndCredits;
    const priced: PricedPeriod = { from: period.from, to: period.to, mrr, attributes: period.attributes };
    const key = subscriptionKey(period);
    const entry = bySubscription.get(key);
    if (entry) entry.priced.push(priced);
    else bySubscription.set(key, { period, priced: [priced] });
  }

  const spans: MrrSpan[] = [];
  const currenciesBySubscription = new Map<string, Set<string>>();
  for (const { period } of bySubscription.values()) {
    if (period.subscriptionId === undefined) continue;
    const key = `${period.customerId}\u0000${period.subscriptionId}`;
    const currencies = currenciesBySubscription.get(key) ?? new Set<string>();
    currencies.add(period.currency);
    currenciesBySubscription.set(key, currencies);
  }
  for (const { period, priced } of bySubscription.values()) {
    let subscriptionId: string;
    if (period.subscriptionId === undefined) {
      subscriptionId = `${period.customerId}@${formatInstant(period.from)}/${formatInstant(period.to)}/${period.currency}`;
    } else {
      const currencies = currenciesBySubscription.get(`${period.customerId}\u0000${period.subscriptionId}`);
      // A subscription billed in two currencies keeps one span sequence per currency.
      subscriptionId =
        currencies && currencies.size > 1
          ? `${period.subscriptionId}/${period.currency}`
          : period.subscriptionId;
    }
    for (const stretch of withoutOverlaps(priced)) {
      spans.push({
        customerId: period.customerId,
        subscriptionId,
        start: stretch.from,
        end: stretch.to,
        mrr: stretch.mrr,
        currency: period.currency,
        ...(stretch.attributes ? { attributes: stretch.attributes } : {}),
      });
    }
  }
  spans.sort(
    (a, b) =>
      compareText(a.customerId, b.customerId) ||
      a.start - b.start ||
      (a.end ?? 0) - (b.end ?? 0) ||
      compareText(a.subscriptionId, b.subscriptionId),
  );
  usage.sort(
    (a, b) =>
      compareText(a.customerId, b.customerId) ||
      a.from - b.from ||
      a.to - b.to ||
      compareText(a.subscriptionId ?? '', b.subscriptionId ?? '') ||
      compareText(a.currency, b.currency),
  );
  return { spans, usage, lines, nonPositivePeriods };
}

/**
 * Length of a service period for normalisation: whole calendar months when `to` is `from` plus
 * n months, else days (fractional for timed periods).
 */
export function servicePeriodLength(from: Instant, to: Instant): { months: number } | { days: number } {
  const months = wholeMonthsBetween(from, to);
  return months === undefined ? { days: (to - from) / MS_PER_DAY } : { months };
}

function countsTowardPeriod(kind: InvoiceLineKind): 'recurring' | 'credit' | 'usage' | 'excluded' {
  switch (kind) {
    case 'RECURRING':
      return 'recurring';
    case 'CREDIT':
    case 'REFUND':
      return 'credit';
    case 'USAGE':
      return 'usage';
    case 'ONE_TIME':
    case 'SETUP':
    case 'TAX':
      return 'excluded';
    default:
      return kind satisfies never;
  }
}

function servicePeriodOf(periods: Map<string, ServicePeriod>, row: InvoiceLineRow): ServicePeriod {
  const key = `${row.customerId}\u0000${row.currency}\u0000${row.subscriptionId ?? ''}\u0000${row.from}\u0000${row.to}`;
  let period = periods.get(key);
  if (period === undefined) {
    period = {
      customerId: row.customerId,
      subscriptionId: row.subscriptionId,
      currency: row.currency,
      from: row.from,
      to: row.to,
      sum: 0,
      recurringLines: 0,
      creditLines: 0,
      usageAmount: 0,
      usageLines: 0,
      attributes: undefined,
    };
    periods.set(key, period);
  }
  return period;
}

function subscriptionKey(period: ServicePeriod): string {
  // Without a mapped subscription every service period is its own subscription.
  return period.subscriptionId === undefined
    ? `${period.customerId}\u0000${period.currency}\u0000\u0000${period.from}\u0000${period.to}`
    : `${period.customerId}\u0000${period.currency}\u0000${period.subscriptionId}`;
}

function usageOf(period: ServicePeriod): UsageRevenue {
  return {
    customerId: period.customerId,
    ...(period.subscriptionId === undefined ? {} : { subscriptionId: period.subscriptionId }),
    currency: period.currency,
    from: period.from,
    to: period.to,
    amount: period.usageAmount,
    lines: period.usageLines,
  };
}

/**
 * Resolves overlapping periods of one subscription into consecutive stretches between period
 * boundaries, each with the sum of the MRR of the periods covering it and their attributes
 * (later-starting periods winning). Periods that do not overlap are returned as they are.
 */
function withoutOverlaps(periods: readonly PricedPeriod[]): PricedPeriod[] {
  const sorted = [...periods].sort((a, b) => a.from - b.from || a.to - b.to);
  let reach = Number.NEGATIVE_INFINITY;
  let overlapping = false;
  for (const period of sorted) {
    if (period.from < reach) overlapping = true;
    reach = Math.max(reach, period.to);
  }
  if (!overlapping) return sorted;
  const bounds = [...new Set(sorted.flatMap((p) => [p.from, p.to]))].sort((a, b) => a - b);
  const stretches: PricedPeriod[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] as Instant;
    const to = bounds[i + 1] as Instant;
    const covering = sorted.filter((p) => p.from <= from && to <= p.to);
    if (covering.length === 0) continue;
    const mrr = covering.reduce((sum, p) => sum + p.mrr, 0);
    const withAttributes = covering.filter((p) => p.attributes !== undefined);
    const attributes =
      withAttributes.length > 0
        ? Object.fromEntries(withAttributes.flatMap((p) => Object.entries(p.attributes ?? {})))
        : undefined;
    stretches.push({ from, to, mrr, attributes });
  }
  return stretches;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
