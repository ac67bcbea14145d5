/** The benchmarks' periods CSV generator. */
import { writeFileSync } from 'node:fs';
import { addMonths, toIsoDate } from '@nrr/core';

/** A periods CSV: customers with 1–4 consecutive monthly-priced periods each, plus plan/country columns. */
export function writePeriodsCsv(path: string, count: number): void {
  const lines = ['subscription_id,customer_id,start_date,end_date,monthly_amount,plan,country'];
  const plans = ['Starter', 'Growth', 'Pro', 'Enterprise'];
  const countries = ['US', 'GB', 'DE', 'FR', 'AU'];
  let row = 0;
  for (let customer = 0; row < count; customer++) {
    const periods = 1 + (customer % 4);
    let start = addMonths(Date.UTC(2022, 0, 1), customer % 24);
    for (let period = 0; period < periods && row < count; period++, row++) {
      const end = addMonths(start, 3 + ((customer + period) % 9));
      const amount = (19 + ((customer * 7 + period * 13) % 500)).toFixed(2);
      lines.push(
        `s${customer}_${period},c${customer},${toIsoDate(start)},${period === periods - 1 && customer % 3 === 0 ? '' : toIsoDate(end)},${amount},${plans[customer % 4]},${countries[customer % 5]}`,
      );
      start = end;
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
