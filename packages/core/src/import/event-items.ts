/**
 * Prices of a subscription event: the flat form (major units at the event's top level) and
 * Stripe's `items` list (price objects in minor units). Tax-inclusive prices are stripped of their
 * tax here, so every amount leaving this module excludes tax.
 */
import { type BillingInterval, parseBillingInterval } from './billing-interval.ts';
import { readItemDiscounts } from './event-discounts.ts';
import {
  isAbsent,
  isObject,
  type JsonObject,
  readArray,
  readChoice,
  readCurrency,
  readMajorAmount,
  readMinorAmount,
  readPercent,
  readPositiveInteger,
  readQuantity,
  reject,
  stripTax,
} from './event-fields.ts';
import type { SubscriptionItem } from './event-types.ts';

/** The prices read from one event. */
export interface EventPricing {
  readonly items: SubscriptionItem[];
  /** Currency named by the prices (Stripe `price.currency`), if the subscription named none. */
  readonly currency: string | undefined;
  /** Inclusive tax rate (1/10,000 %) to strip from discount amounts; `undefined` when prices exclude tax. */
  readonly inclusiveTaxRate: number | undefined;
  /** A plan name from a Stripe price (`lookup_key`, `nickname` or `id`), if any. */
  readonly plan: string | undefined;
}

/** Field names that make an event carry a flat price. */
export const FLAT_PRICE_FIELDS = [
  'unit_amount',
  'interval',
  'interval_count',
  'quantity',
  'price_type',
  'usage_type',
] as const;

const TAX_BEHAVIORS = ['exclusive', 'inclusive', 'unspecified'] as const;

const INTERVAL_EXPECTED =
  'one of day, week, month, quarter, half_year, year (or one_time for a one-off price)';

/**
 * Reads the flat form: `unit_amount` (major units), `interval`, `interval_count` (default 1),
 * `quantity` (default 1), `price_type` (`recurring` | `one_time`, default recurring),
 * `usage_type` (`licensed` | `metered`, default licensed), `tax_behavior`
 * (`exclusive` | `inclusive` | `unspecified`, default exclusive) and `tax_percent`.
 */
export function readFlatPricing(body: JsonObject, line: number): EventPricing {
  const priceType = readChoice(body.price_type, ['recurring', 'one_time'], 'price_type', line);
  const usageType = readChoice(body.usage_type, ['licensed', 'metered'], 'usage_type', line);
  const taxBehavior = readChoice(body.tax_behavior, TAX_BEHAVIORS, 'tax_behavior', line);
  let inclusiveTaxRate: number | undefined;
  if (taxBehavior === 'inclusive') {
    if (isAbsent(body.tax_percent)) {
      reject(
        'MISSING_VALUE',
        line,
        'tax_percent',
        body.tax_percent,
        'the tax rate in percent of a tax-inclusive price',
      );
    }
    inclusiveTaxRate = readPercent(body.tax_percent, 'tax_percent', line);
  }
  const unitAmount = stripTax(readMajorAmount(body.unit_amount, 'unit_amount', line), inclusiveTaxRate);
  const quantity = isAbsent(body.quantity) ? 1 : readQuantity(body.quantity, 'quantity', line);
  const interval = readInterval(body.interval, 'interval', line, priceType !== 'one_time');
  let item: SubscriptionItem;
  if (priceType === 'one_time' || interval === null) {
    item = { kind: 'ONE_TIME', unitAmount, quantity };
  } else {
    const intervalCount = readCount(body.interval_count, 'interval_count', line);
    item =
      usageType === 'metered'
        ? { kind: 'METERED', unitAmount, interval, intervalCount }
        : { kind: 'LICENSED', unitAmount, quantity, interval, intervalCount };
  }
  return { items: [item], currency: undefined, inclusiveTaxRate, plan: undefined };
}

/**
 * Reads Stripe's `items` (a list object `{ data: [...] }` or a plain array) of
 * `{ price, quantity, tax_rates, discounts }` (a licensed item's `discounts` are read as the
 * subscription's are, see `event-discounts.ts`; `discountsNeeded` false leaves out those given
 * only by id). Price amounts are in the currency's minor units:
 * `unit_amount_decimal` (a decimal string) wins over `unit_amount` (an integer). A price is
 * recurring when `type` is `recurring` (or, without `type`, when it has `recurring`); its
 * `recurring.usage_type` tells licensed from metered. Tax rates marked `inclusive` (the item's
 * `tax_rates`, else the subscription's `default_tax_rates`) are stripped. A price whose
 * `tax_behavior` is `inclusive` without such a rate is rejected, unless Stripe Tax computes the
 * subscription's tax (`automatic_tax.enabled`): the rate is then on its invoices only, and the
 * price is read as it is, tax included.
 */
export function readStripePricing(
  body: JsonObject,
  prefix: string,
  line: number,
  subscriptionCurrency: string | undefined,
  defaultCurrency: string | undefined,
  discountsNeeded = true,
): EventPricing {
  const listPath = isObject(body.items) ? `${prefix}items.data` : `${prefix}items`;
  const entries = readArray(isObject(body.items) ? body.items.data : body.items, listPath, line);
  const defaultRate = readInclusiveRate(body.default_tax_rates, `${prefix}default_tax_rates`, line);
  const automaticTax = isObject(body.automatic_tax) && body.automatic_tax.enabled === true;
  const items: SubscriptionItem[] = [];
  let currency = subscriptionCurrency;
  let plan: string | undefined;
  let licensedRate: number | undefined;
  let billing: { interval: BillingInterval; intervalCount: number; path: string } | undefined;
  entries.forEach((entry, index) => {
    const path = `${listPath}[${index}]`;
    const read = readStripeItem(entry, path, {
      line,
      currency,
      defaultCurrency,
      defaultRate,
      discountsNeeded,
      automaticTax,
    });
    currency = read.currency;
    const { item } = read;
    if (item.kind !== 'ONE_TIME') {
      if (billing === undefined) {
        billing = { interval: item.interval, intervalCount: item.intervalCount, path };
      } else if (billing.interval !== item.interval || billing.intervalCount !== item.intervalCount) {
        reject(
          'INVALID_INTERVAL',
          line,
          `${path}.price.recurring.interval`,
          `${item.intervalCount} ${item.interval}`,
          `${billing.intervalCount} ${billing.interval} like ${billing.path}: the recurring items of a subscription share one billing interval`,
        );
      }
    }
    if (item.kind === 'LICENSED' && plan === undefined) {
      plan = read.plan;
      licensedRate = read.inclusiveTaxRate;
    }
    items.push(item);
  });
  return { items, currency, inclusiveTaxRate: defaultRate ?? licensedRate, plan };
}

/** One Stripe subscription item: its price, currency, inclusive tax rate and plan name. */
/** What reading one Stripe item needs to know about its subscription. */
interface ItemContext {
  readonly line: number;
  /** The currency of the subscription or of the items before, if known. */
  readonly currency: string | undefined;
  readonly defaultCurrency: string | undefined;
  /** The inclusive rate of the subscription's `default_tax_rates`. */
  readonly defaultRate: number | undefined;
  readonly discountsNeeded: boolean;
  /** Stripe Tax computes the tax (`automatic_tax.enabled`): no rate is on the subscription. */
  readonly automaticTax: boolean;
}

function readStripeItem(
  entry: unknown,
  path: string,
  { line, currency, defaultCurrency, defaultRate, discountsNeeded, automaticTax }: ItemContext,
): {
  item: SubscriptionItem;
  currency: string;
  inclusiveTaxRate: number | undefined;
  plan: string | undefined;
} {
  if (!isObject(entry)) reject('INVALID_JSON', line, path, entry, 'a subscription item object');
  const pricePath = `${path}.price`;
  const price = entry.price;
  if (!isObject(price)) reject('MISSING_VALUE', line, pricePath, price, 'a Stripe price object');
  const priceCurrency = isAbsent(price.currency)
    ? (currency ?? defaultCurrency)
    : readCurrency(price.currency, `${pricePath}.currency`, line);
  if (priceCurrency === undefined) {
    reject(
      'MISSING_VALUE',
      line,
      `${pricePath}.currency`,
      price.currency,
      'an ISO 4217 currency code such as usd',
    );
  }
  if (currency !== undefined && priceCurrency !== currency) {
    reject(
      'INVALID_CURRENCY',
      line,
      `${pricePath}.currency`,
      price.currency,
      `${currency}, the subscription's currency`,
    );
  }
  const rate = readInclusiveRate(entry.tax_rates, `${path}.tax_rates`, line) ?? defaultRate;
  const taxBehavior = readChoice(price.tax_behavior, TAX_BEHAVIORS, `${pricePath}.tax_behavior`, line);
  // Stripe Tax works the tax out per invoice from the customer's location; the subscription
  // carries no rate to remove, so the price is kept as it is, tax included (docs/metrics.md).
  if (taxBehavior === 'inclusive' && rate === undefined && !automaticTax) {
    reject(
      'MISSING_VALUE',
      line,
      `${pricePath}.tax_behavior`,
      price.tax_behavior,
      'an inclusive tax rate in tax_rates or default_tax_rates, so the tax can be removed from the price',
    );
  }
  const decimal = !isAbsent(price.unit_amount_decimal);
  const amountPath = `${pricePath}.${decimal ? 'unit_amount_decimal' : 'unit_amount'}`;
  const gross = decimal
    ? readMinorAmount(price.unit_amount_decimal, priceCurrency, amountPath, line, true)
    : isAbsent(price.unit_amount)
      ? undefined
      : readMinorAmount(price.unit_amount, priceCurrency, amountPath, line);
  const amount = gross === undefined ? {} : { unitAmount: stripTax(gross, rate) };
  const priceId = typeof price.id === 'string' && price.id !== '' ? { priceId: price.id } : {};
  const quantity = isAbsent(entry.quantity) ? 1 : readQuantity(entry.quantity, `${path}.quantity`, line);
  const read = { currency: priceCurrency, inclusiveTaxRate: rate, plan: undefined };
  const type =
    readChoice(price.type, ['recurring', 'one_time'], `${pricePath}.type`, line) ??
    (isObject(price.recurring) ? 'recurring' : 'one_time');
  if (type === 'one_time') return { ...read, item: { kind: 'ONE_TIME', quantity, ...amount, ...priceId } };
  const recurring = price.recurring;
  const recurringPath = `${pricePath}.recurring`;
  if (!isObject(recurring)) {
    reject('MISSING_VALUE', line, recurringPath, recurring, 'a recurring object with interval');
  }
  const interval = readInterval(recurring.interval, `${recurringPath}.interval`, line, true);
  if (interval === null) {
    reject('INVALID_INTERVAL', line, `${recurringPath}.interval`, recurring.interval, INTERVAL_EXPECTED);
  }
  const intervalCount = readCount(recurring.interval_count, `${recurringPath}.interval_count`, line);
  const usage = readChoice(
    recurring.usage_type,
    ['licensed', 'metered'],
    `${recurringPath}.usage_type`,
    line,
  );
  if (usage === 'metered') {
    return { ...read, item: { kind: 'METERED', interval, intervalCount, ...amount, ...priceId } };
  }
  if (price.billing_scheme === 'tiered') {
    reject(
      'INVALID_AMOUNT',
      line,
      `${pricePath}.billing_scheme`,
      price.billing_scheme,
      'per_unit (tiered licensed prices are not supported)',
    );
  }
  if (amount.unitAmount === undefined) {
    reject(
      'MISSING_VALUE',
      line,
      amountPath,
      price.unit_amount,
      `an integer number of ${priceCurrency} minor units`,
    );
  }
  const discounts = readItemDiscounts(entry.discounts, `${path}.discounts`, {
    line,
    currency: priceCurrency,
    inclusiveTaxRate: rate,
    needed: discountsNeeded,
  });
  return {
    ...read,
    item: {
      kind: 'LICENSED',
      unitAmount: amount.unitAmount,
      quantity,
      interval,
      intervalCount,
      ...priceId,
      ...(discounts.length === 0 ? {} : { discounts }),
    },
    plan: firstText(price.lookup_key, price.nickname, price.id),
  };
}

/** Reads an interval name; `null` means a one-off price. Required unless `required` is false. */
function readInterval(
  value: unknown,
  field: string,
  line: number,
  required: boolean,
): BillingInterval | null {
  if (isAbsent(value)) {
    if (required) reject('MISSING_VALUE', line, field, value, INTERVAL_EXPECTED);
    return null;
  }
  const interval = typeof value === 'string' ? parseBillingInterval(value) : undefined;
  if (interval === undefined) reject('INVALID_INTERVAL', line, field, value, INTERVAL_EXPECTED);
  return interval;
}

function readCount(value: unknown, field: string, line: number): number {
  return isAbsent(value) ? 1 : readPositiveInteger(value, field, line);
}

/** Sum of the `inclusive` rates in a list of Stripe tax rate objects; `undefined` when there are none. */
function readInclusiveRate(value: unknown, field: string, line: number): number | undefined {
  let total: number | undefined;
  readArray(value, field, line).forEach((rate, index) => {
    const path = `${field}[${index}]`;
    if (!isObject(rate)) {
      reject('INVALID_JSON', line, path, rate, 'an expanded tax rate object with percentage and inclusive');
    }
    if (rate.inclusive === true) {
      total = (total ?? 0) + readPercent(rate.percentage, `${path}.percentage`, line);
    }
  });
  return total;
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.trim() !== '');
}
