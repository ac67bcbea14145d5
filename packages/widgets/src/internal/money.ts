import type { Money } from '../types.ts';
import { formatMoney } from './formatters.ts';

/** Amount as a float, for chart geometry only (never for figures: those come formatted from strings). */
export function magnitude(money: Money): number {
  const value = Number(money.amount);
  return Number.isFinite(value) ? value : 0;
}

/** `$1.2K` style, in the amount's own currency. */
export function compactMoney(money: Money, locale: string): string {
  return formatMoney(money.amount, money.currency, { locale, compact: true });
}

/** `$1,234.57` style, in the amount's own currency. */
export function fullMoney(money: Money, locale: string): string {
  return formatMoney(money.amount, money.currency, { locale });
}
