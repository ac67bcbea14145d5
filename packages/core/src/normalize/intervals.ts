import { DAYS_PER_MONTH } from '../dates.ts';
import type { BillingInterval } from '../import/billing-interval.ts';
import { divideRounded, type MoneyUnits } from '../money.ts';

/** Length of one interval: whole months, or days for day and week (retention semantics §2). */
function intervalLength(interval: BillingInterval): { months: number } | { days: number } {
  switch (interval) {
    case 'day':
      return { days: 1 };
    case 'week':
      return { days: 7 };
    case 'month':
      return { months: 1 };
    case 'quarter':
      return { months: 3 };
    case 'half_year':
      return { months: 6 };
    case 'year':
      return { months: 12 };
    default:
      return interval satisfies never;
  }
}

/**
 * Normalises a recurring price to MRR (retention semantics §2): `price × quantity` per
 * `intervalCount` intervals, divided by the length in months (month 1, quarter 3, half-year 6,
 * year 12) or, for days and weeks, by days over 365.2425/12. Rounded half away from zero to
 * 1/10,000. The price must exclude tax.
 *
 * Examples: annual 2,000 → 166.6667; quarterly 90 → 30; weekly 10 → 43.4813.
 */
export function monthlyAmount(
  price: MoneyUnits,
  interval: BillingInterval,
  intervalCount = 1,
  quantity = 1,
): MoneyUnits {
  if (!Number.isInteger(intervalCount) || intervalCount < 1) {
    throw new RangeError(`interval count must be a positive integer, got ${intervalCount}`);
  }
  if (!(quantity >= 0) || !Number.isFinite(quantity)) {
    throw new RangeError(`quantity must be a non-negative number, got ${quantity}`);
  }
  // Quantities may be fractional (seats are not, but metered tiers sometimes are): scale by 10^6.
  const quantityScaled = BigInt(Math.round(quantity * 1_000_000));
  const total = BigInt(price) * quantityScaled;
  const length = intervalLength(interval);
  if ('months' in length) {
    return divideRounded(total, BigInt(length.months * intervalCount) * 1_000_000n);
  }
  // monthly = total × (365.2425 / 12) / days = total × 3652425 / (120000 × days)
  return divideRounded(total * 3_652_425n, BigInt(length.days * intervalCount) * 120_000n * 1_000_000n);
}

/**
 * MRR of an amount billed for a service period of `months` whole calendar months or of `days`
 * days (used for invoice lines): `amount / months`, or `amount × (365.2425/12) / days`.
 */
export function monthlyAmountForServicePeriod(
  amount: MoneyUnits,
  length: { months: number } | { days: number },
): MoneyUnits {
  if ('months' in length) {
    if (!(length.months > 0)) throw new RangeError('service period must be at least one month');
    return divideRounded(BigInt(amount), BigInt(length.months));
  }
  if (!(length.days > 0)) throw new RangeError('service period must be longer than zero days');
  // Day counts can be fractional for timed periods: keep 6 decimals of days.
  const daysScaled = BigInt(Math.round(length.days * 1_000_000));
  return divideRounded(BigInt(amount) * 3_652_425n * 1_000_000n, daysScaled * 120_000n);
}

/** Average days per month, re-exported for callers that describe the rule. */
export { DAYS_PER_MONTH };
