/**
 * Discounts of a subscription event, on the subscription (`discounts`, and the legacy expanded
 * `discount`) and on its items (`items.data[].discounts`, Basil API 2025-03-31), in three shapes:
 * - flat: `{ percent_off | amount_off, start?, end?, duration? }`, `amount_off` in major units;
 * - Stripe's Discount object before Clover: `{ id, coupon: { percent_off | amount_off, currency,
 *   duration, duration_in_months }, start, end }`, `amount_off` in the currency's minor units;
 * - the same from Clover (2025-09-30) on, with the coupon in `source: { type: "coupon", coupon }`.
 * Stripe sends a subscription's and its items' discounts as ids unless expanded (webhooks never
 * expand them), and from Clover on a Discount's coupon as an id too. An id is resolved against the
 * legacy `discount` when it names it. An event whose MRR depends on its discounts (a status with a
 * price) refuses one it cannot resolve rather than ignore it (expand `discounts` when exporting);
 * any other event (trialing, canceled, ...) leaves it out, since no figure depends on it.
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
  stripTax,
} from './event-fields.ts';
import type { DiscountDuration, SubscriptionDiscount } from './event-types.ts';

const DURATIONS = ['once', 'repeating', 'forever'] as const;

/** What the discount readers need to know about the event. */
export interface DiscountContext {
  readonly line: number;
  /** The event's currency; `amount_off` must be in it. */
  readonly currency: string | undefined;
  /** Inclusive tax rate (1/10,000 %) to strip from amounts off, when prices include tax. */
  readonly inclusiveTaxRate: number | undefined;
  /**
   * Whether the event's MRR depends on its discounts (its status has a price). When not, a
   * discount given only by id, or whose coupon is only an id, is left out instead of refused.
   */
  readonly needed: boolean;
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
  const add = (discount: SubscriptionDiscount | undefined) => {
    if (discount !== undefined) discounts.push(discount);
  };
  let singleListed = false;
  readArray(body.discounts, `${prefix}discounts`, line).forEach((entry, index) => {
    const path = `${prefix}discounts[${index}]`;
    if (typeof entry === 'string' && isObject(single) && single.id === entry) {
      singleListed = true;
      add(readStripeDiscount(single, `${prefix}discount`, context));
      return;
    }
    if (isObject(entry) && isObject(single) && entry.id !== undefined && entry.id === single.id) {
      singleListed = true;
    }
    add(readListedDiscount(entry, path, context));
  });
  if (isObject(single) && !singleListed) add(readStripeDiscount(single, `${prefix}discount`, context));
  return discounts;
}

/**
 * Reads a subscription item's `discounts` (`value`, at `path`): Discount objects or their ids, in
 * the order Stripe applies them to the item, before the subscription's discounts.
 */
export function readItemDiscounts(
  value: unknown,
  path: string,
  context: DiscountContext,
): SubscriptionDiscount[] {
  const discounts: SubscriptionDiscount[] = [];
  readArray(value, path, context.line).forEach((entry, index) => {
    const discount = readListedDiscount(entry, `${path}[${index}]`, context);
    if (discount !== undefined) discounts.push(discount);
  });
  return discounts;
}

/** One entry of a `discounts` list: an id, a flat discount or a Stripe Discount object. */
function readListedDiscount(
  entry: unknown,
  path: string,
  context: DiscountContext,
): SubscriptionDiscount | undefined {
  const { line } = context;
  if (typeof entry === 'string') {
    if (!context.needed) return undefined;
    reject('MISSING_VALUE', line, path, entry, 'an expanded discount object (only its id was given)');
  }
  if (!isObject(entry)) reject('INVALID_JSON', line, path, entry, 'a discount object');
  const stripe = entry.object === 'discount' || !isAbsent(entry.coupon) || !isAbsent(entry.source);
  return stripe ? readStripeDiscount(entry, path, context) : readFlatDiscount(entry, path, context);
}

function readFlatDiscount(entry: JsonObject, path: string, context: DiscountContext): SubscriptionDiscount {
  const { line } = context;
  const off = readOff(entry, path, line, (value, field) =>
    stripTax(readMajorAmount(value, field, line), context.inclusiveTaxRate),
  );
  return withPeriod(off, entry, entry, path, context);
}

/** A Stripe Discount: its coupon in `coupon` (before Clover) or `source.coupon` (Clover on). */
function readStripeDiscount(
  entry: JsonObject,
  path: string,
  context: DiscountContext,
): SubscriptionDiscount | undefined {
  const { line } = context;
  const source = entry.source;
  if (!isAbsent(source) && !isObject(source)) {
    reject('INVALID_JSON', line, `${path}.source`, source, 'a discount source object { type, coupon }');
  }
  const inSource = isObject(source) && isAbsent(entry.coupon);
  const couponPath = inSource ? `${path}.source.coupon` : `${path}.coupon`;
  const coupon = inSource ? source.coupon : entry.coupon;
  if (typeof coupon === 'string' && coupon !== '') {
    if (!context.needed) return undefined;
    reject(
      'MISSING_VALUE',
      line,
      couponPath,
      coupon,
      "an expanded coupon object (only its id was given; expand the discounts' coupons when exporting)",
    );
  }
  if (!isObject(coupon)) reject('MISSING_VALUE', line, couponPath, coupon, 'an expanded coupon object');
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
