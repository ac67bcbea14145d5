/** `Money`: an exact decimal amount and its currency; never a float. */
import { formatMoneyUnits, type MoneyUnits } from '@nrr/core';
import { builder } from './builder.ts';

/** A money value as resolvers hand it to the `Money` type. */
export interface MoneyValue {
  readonly units: MoneyUnits;
  readonly currency: string;
}

/** Shorthand for a {@link MoneyValue}. */
export function money(units: MoneyUnits, currency: string): MoneyValue {
  return { units, currency };
}

export const MoneyRef = builder.objectRef<MoneyValue>('Money').implement({
  description: 'An exact amount of money. MRR amounts are monthly.',
  fields: (t) => ({
    amount: t.string({
      description:
        'Decimal string with up to 4 decimal places, e.g. "166.6667"; negative with a leading "-".',
      resolve: (value) => formatMoneyUnits(value.units),
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code, e.g. "USD".' }),
  }),
});
