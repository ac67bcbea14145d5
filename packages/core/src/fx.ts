import type { Instant } from './dates.ts';

/** One exchange rate: from `effective` on, 1 unit of `currency` is worth `rate` units of the reporting currency. */
export interface FxRate {
  readonly currency: string;
  readonly effective: Instant;
  readonly rate: number;
}

/**
 * A tenant's reporting currency and dated rate table (retention semantics §2). Retention figures
 * are in constant currency: both ends of a period are converted at the rate in force at the
 * period's start, and the drift to the rates at its end is reported as `fxImpact`.
 */
export interface ExchangeRates {
  readonly reportingCurrency: string;
  /**
   * Rate in force at `at` (the latest rate effective at or before it; before the first known rate,
   * the earliest one). 1 for the reporting currency; `undefined` for a currency with no rates.
   */
  rateAt(currency: string, at: Instant): number | undefined;
}

/** Builds {@link ExchangeRates} from a reporting currency and a list of dated rates (in any order). */
export function createExchangeRates(reportingCurrency: string, rates: readonly FxRate[] = []): ExchangeRates {
  const byCurrency = new Map<string, FxRate[]>();
  for (const rate of rates) {
    if (!(rate.rate > 0) || !Number.isFinite(rate.rate)) {
      throw new RangeError(`exchange rate for ${rate.currency} must be a positive number, got ${rate.rate}`);
    }
    const list = byCurrency.get(rate.currency) ?? [];
    list.push(rate);
    byCurrency.set(rate.currency, list);
  }
  for (const list of byCurrency.values()) list.sort((a, b) => a.effective - b.effective);
  return {
    reportingCurrency,
    rateAt(currency, at) {
      if (currency === reportingCurrency) return 1;
      const list = byCurrency.get(currency);
      if (!list || list.length === 0) return undefined;
      let low = 0;
      let high = list.length - 1;
      let found = 0;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if ((list[mid] as FxRate).effective <= at) {
          found = mid;
          low = mid + 1;
        } else high = mid - 1;
      }
      return (list[found] as FxRate).rate;
    },
  };
}

/**
 * The same rate table expressed in another reporting currency, by cross rates: 1 unit of `c` is
 * worth `rate(c) / rate(target)` units of `target` at the same instant. Returns `undefined` when
 * the table has no rate for `target` (it must be the base's reporting currency or a rated one).
 */
export function rebaseExchangeRates(base: ExchangeRates, target: string): ExchangeRates | undefined {
  if (target === base.reportingCurrency) return base;
  if (base.rateAt(target, 0) === undefined) return undefined;
  return {
    reportingCurrency: target,
    rateAt(currency, at) {
      if (currency === target) return 1;
      const sourceRate = base.rateAt(currency, at);
      const targetRate = base.rateAt(target, at);
      return sourceRate === undefined || targetRate === undefined ? undefined : sourceRate / targetRate;
    },
  };
}
