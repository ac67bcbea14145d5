/**
 * Discounts of a subscription event, in two shapes:
 * - flat: `{ percent_off | amount_off, start?, end?, duration? }`, `amount_off` in major units;
 * - Stripe's Discount object: `{ id, coupon: { percent_off | amount_off, currency, duration,
 *   duration_in_months }, start, end }`, `amount_off` in the currency's minor units.
 * Stripe lists a subscription's discounts as ids in `discounts` and the expanded legacy object in
 * `discount`; an id is resolved against `discount`, and an id that cannot be resolved is rejected
 * rather than ignored (expand `discounts` when exporting).
 */
import { addMonths } from '../dates.ts';
import type { MoneyUnits } from '../money.ts';
import {
  isAbsent,
  isObject,
  type JsonObject,
  readArray,
  readChoice,
  readCurrency,
  readMajorAmount,
  readMinorAmount,
  readOptionalInstant,
  readPercent,
  readPositiveInteger,
  reject,
} from './event-fields.ts';
import { stripTax } from './event-items.ts';
import type { DiscountDuration, SubscriptionDiscount } from './event-types.ts';

const DURATIONS = ['once', 'repeating', 'forever'] as const;

/** What the discount readers need to know about the event. */
export interface DiscountContext {
  readonly line: number;
  /** The event's currency; `amount_off` must be in it. */
  readonly currency: string | undefined;
  /** Inclusive tax rate (1/10,000 %) to strip from amounts off, when prices include tax. */
  readonly inclusiveTaxRate: number | undefined;
}

/** Reads `discounts` (and Stripe's legacy `discount`) of a subscription body. */
export function readDiscounts(
  body: JsonObject,
  prefix: string,
  context: DiscountContext,
): SubscriptionDiscount[] {
  const { line } = context;
  const single = body.discount;
  if (!isAbsent(single) && !isObject(single)) {
    reject('INVALID_JSON', line, `${prefix}discount`, single, 'a Stripe discount object or null');
  }
  const discounts: SubscriptionDiscount[] = [];
  let singleListed = false;
  readArray(body.discounts, `${prefix}discounts`, line).forEach((entry, index) => {
    const path = `${prefix}discounts[${index}]`;
    if (typeof entry === 'string') {
      if (!isObject(single) || single.id !== entry) {
        reject('MISSING_VALUE', line, path, entry, 'an expanded discount object (only its id was given)');
      }
      singleListed = true;
      discounts.push(readStripeDiscount(single, `${prefix}discount`, context));
      return;
    }
    if (!isObject(entry)) reject('INVALID_JSON', line, path, entry, 'a discount object');
    if (isObject(single) && entry.id !== undefined && entry.id === single.id) singleListed = true;
    discounts.push(
      isAbsent(entry.coupon)
        ? readFlatDiscount(entry, path, context)
        : readStripeDiscount(entry, path, context),
    );
  });
  if (isObject(single) && !singleListed) {
    discounts.push(readStripeDiscount(single, `${prefix}discount`, context));
  }
  return discounts;
}

function readFlatDiscount(entry: JsonObject, path: string, context: DiscountContext): SubscriptionDiscount {
  const { line } = context;
  const off = readOff(entry, path, line, (value, field) =>
    stripTax(readMajorAmount(value, field, line), context.inclusiveTaxRate),
  );
  return withPeriod(off, entry, entry, path, context);
}

function readStripeDiscount(entry: JsonObject, path: string, context: DiscountContext): SubscriptionDiscount {
  const { line } = context;
  const coupon = entry.coupon;
  if (!isObject(coupon)) reject('MISSING_VALUE', line, `${path}.coupon`, coupon, 'an expanded coupon object');
  const couponPath = `${path}.coupon`;
  const off = readOff(coupon, couponPath, line, (value, field) => {
    const couponCurrency = isAbsent(coupon.currency)
      ? context.currency
      : readCurrency(coupon.currency, `${couponPath}.currency`, line);
    if (couponCurrency === undefined || couponCurrency !== context.currency) {
      reject(
        'INVALID_CURRENCY',
        line,
        `${couponPath}.currency`,
        coupon.currency,
        `${context.currency ?? 'a currency'}, the subscription's currency`,
      );
    }
    return stripTax(readMinorAmount(value, couponCurrency, field, line), context.inclusiveTaxRate);
  });
  return withPeriod(off, coupon, entry, couponPath, context, path);
}

type Off = { kind: 'PERCENT_OFF'; percentOff: number } | { kind: 'AMOUNT_OFF'; amountOff: MoneyUnits };

/** Reads exactly one of `percent_off` (0–100) and `amount_off` (read by `readAmount`). */
function readOff(
  source: JsonObject,
  path: string,
  line: number,
  readAmount: (value: unknown, field: string) => MoneyUnits,
): Off {
  const hasPercent = !isAbsent(source.percent_off);
  const hasAmount = !isAbsent(source.amount_off);
  if (hasPercent === hasAmount) {
    reject(
      'MISSING_VALUE',
      line,
      `${path}.percent_off`,
      hasPercent ? { percent_off: source.percent_off, amount_off: source.amount_off } : source.percent_off,
      'exactly one of percent_off (0 to 100) and amount_off',
    );
  }
  return hasPercent
    ? { kind: 'PERCENT_OFF', percentOff: readPercent(source.percent_off, `${path}.percent_off`, line) }
    : { kind: 'AMOUNT_OFF', amountOff: readAmount(source.amount_off, `${path}.amount_off`) };
}

/**
 * Adds duration, start and end. `duration` defaults to `repeating` when there is an end and
 * `forever` otherwise; a repeating discount without `end` ends `duration_in_months` after `start`.
 */
function withPeriod(
  off: Off,
  terms: JsonObject,
  dates: JsonObject,
  termsPath: string,
  context: DiscountContext,
  datesPath = termsPath,
): SubscriptionDiscount {
  const { line } = context;
  const start = readOptionalInstant(dates.start, `${datesPath}.start`, line);
  let end = readOptionalInstant(dates.end, `${datesPath}.end`, line);
  const stated = readChoice(terms.duration, DURATIONS, `${termsPath}.duration`, line);
  const duration: DiscountDuration =
    stated === undefined ? (end === undefined ? 'FOREVER' : 'REPEATING') : toDuration(stated);
  if (duration === 'FOREVER' && end !== undefined) {
    reject('OUT_OF_RANGE', line, `${datesPath}.end`, dates.end, 'no end date for a forever discount');
  }
  if (duration === 'REPEATING' && end === undefined) {
    const months = terms.duration_in_months;
    if (isAbsent(months) || start === undefined) {
      reject(
        'MISSING_VALUE',
        line,
        `${datesPath}.end`,
        dates.end,
        'the end of a repeating discount (or start and duration_in_months)',
      );
    }
    end = addMonths(start, readPositiveInteger(months, `${termsPath}.duration_in_months`, line));
  }
  if (start !== undefined && end !== undefined && end <= start) {
    reject('END_BEFORE_START', line, `${datesPath}.end`, dates.end, "an end after the discount's start");
  }
  return {
    ...off,
    duration,
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
  };
}

function toDuration(word: (typeof DURATIONS)[number]): DiscountDuration {
  switch (word) {
    case 'once':
      return 'ONCE';
    case 'repeating':
      return 'REPEATING';
    case 'forever':
      return 'FOREVER';
    default:
      return word satisfies never;
  }
}
