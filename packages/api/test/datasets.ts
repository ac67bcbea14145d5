/** Paths of the shared real datasets (beside the checkout, never copied into it) and a CSV reader for expectations. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** `../shared/datasets` relative to the repository root. */
export const DATASETS = resolve(import.meta.dirname, '../../../../shared/datasets');

export const DBT_PERIODS = resolve(DATASETS, 'dbt-mrr-playbook/subscription_periods.csv');
export const DBT_EXPECTED_BY_MONTH = resolve(DATASETS, 'dbt-mrr-playbook/expected_mrr_by_month.derived.csv');
export const DISPLAYR_INVOICE_LINES = resolve(DATASETS, 'displayr-invoice-lines/q_invoice_lines.csv');

/** Rows of a simple CSV (no quoted commas) as records by header name. */
export function readSimpleCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = (header ?? '').split(',');
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
  });
}
