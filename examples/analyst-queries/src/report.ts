/** Prints each query's answer as a titled plain-text table (en-US formatting from @nrr/core). */
import {
  escapeControlCharacters,
  formatMoney,
  formatPercent,
  formatPercentagePoints,
  parseMoney,
} from '@nrr/core';
import type { ApiConnection } from './client.ts';
import {
  type BenchmarkResult,
  benchmarkComparison,
  type ChurnedCustomer,
  type CohortTable,
  churnedLastQuarter,
  cohortTable,
  nrrByPlan,
  type PlanReport,
  type TrailingPoint,
  trailing12MonthNrr,
} from './queries.ts';
import { renderTable } from './table.ts';
import type { ReportWindows, Window } from './windows.ts';

/** How many churned customers are listed by name (largest MRR lost first); the total counts them all. */
export const CHURN_LIST_LIMIT = 15;

const monthLabel = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** Runs every query and returns the whole printout, sections separated by blank lines. */
export async function runReport(api: ApiConnection, windows: ReportWindows): Promise<string> {
  const [trailing, plans, churned, cohorts, benchmarks] = await Promise.all([
    trailing12MonthNrr(api, windows),
    nrrByPlan(api, windows),
    churnedLastQuarter(api, windows),
    cohortTable(api, windows),
    benchmarkComparison(api, windows),
  ]);
  return [
    formatTrailing(trailing),
    formatPlans(plans, windows.lastTwelveMonths),
    formatChurned(churned, windows.lastQuarter),
    formatCohorts(cohorts, windows.lastEightQuarters),
    formatBenchmarks(benchmarks, windows.lastTwelveMonths),
  ].join('\n\n');
}

/** The month a trailing point ends with (`Oct 2026` for the window to 2026-11-01). */
export function pointMonth(point: Window): string {
  const to = new Date(`${point.to}T00:00:00Z`);
  return monthLabel.format(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1));
}

/** Trailing-12-month NRR by month. */
export function formatTrailing(points: readonly TrailingPoint[]): string {
  const rows = points.map((point) => [
    pointMonth(point),
    `${point.from} – ${point.to}`,
    money(point.startingMrr.amount, point.startingMrr.currency),
    money(point.endingMrr.amount, point.startingMrr.currency),
    formatPercent(point.nrr),
    formatPercent(point.grr),
    String(point.customers.churned),
  ]);
  return `${title('Trailing-12-month NRR by month')}\n${renderTable(
    [
      { header: 'Month' },
      { header: 'Window' },
      { header: 'Starting MRR', numeric: true },
      { header: 'Ending MRR', numeric: true },
      { header: 'NRR', numeric: true },
      { header: 'GRR', numeric: true },
      { header: 'Churned', numeric: true },
    ],
    rows,
  )}`;
}

/** NRR by plan. */
export function formatPlans(plans: readonly PlanReport[], window: Window): string {
  const rows = plans.map(({ value, report }) => {
    const currency = report.startingMrr.currency;
    return [
      value,
      String(report.customers.starting),
      money(report.startingMrr.amount, currency),
      money(report.expansion.amount, currency),
      money(report.contraction.amount, currency),
      money(report.churn.amount, currency),
      formatPercent(report.nrr),
      formatPercent(report.grr),
    ];
  });
  return `${title(`NRR by plan, ${window.from} – ${window.to}`)}\n${renderTable(
    [
      { header: 'Plan' },
      { header: 'Customers', numeric: true },
      { header: 'Starting MRR', numeric: true },
      { header: 'Expansion', numeric: true },
      { header: 'Contraction', numeric: true },
      { header: 'Churn', numeric: true },
      { header: 'NRR', numeric: true },
      { header: 'GRR', numeric: true },
    ],
    rows,
  )}`;
}

/** Churned customers: the count, the MRR lost in total (exact), and the largest ones by name. */
export function formatChurned(customers: readonly ChurnedCustomer[], window: Window): string {
  const currency = customers[0]?.amount.currency ?? 'USD';
  const totalUnits = customers.reduce((sum, customer) => sum + units(customer.amount.amount), 0);
  const largest = [...customers]
    .sort(
      (a, b) => units(b.amount.amount) - units(a.amount.amount) || a.customerId.localeCompare(b.customerId),
    )
    .slice(0, CHURN_LIST_LIMIT);
  const attribute = (customer: ChurnedCustomer, name: string) =>
    customer.attributes.find((candidate) => candidate.name === name)?.value ?? '';
  const table = renderTable(
    [
      { header: 'Customer' },
      { header: 'Churned on' },
      { header: 'Plan' },
      { header: 'Country' },
      { header: 'MRR lost', numeric: true },
    ],
    largest.map((customer) => [
      customer.customerId,
      customer.at.slice(0, 10),
      attribute(customer, 'plan'),
      attribute(customer, 'country'),
      money(customer.amount.amount, customer.amount.currency),
    ]),
  );
  const more = customers.length > largest.length ? `\n… and ${customers.length - largest.length} more` : '';
  return `${title(`Churned customers, ${window.from} – ${window.to}`)}\n${customers.length} customers churned, taking ${formatMoney(totalUnits, currency)} of MRR. Largest first:\n${table}${more}`;
}

/** The cohort table; `†` marks cohorts too small to read much into, empty cells are not observable yet. */
export function formatCohorts(table: CohortTable, window: Window): string {
  const ages = Array.from({ length: table.maxAge + 1 }, (_, age) => ({ header: `Q${age}`, numeric: true }));
  const rows = table.rows.map((row) => [
    `${row.label}${row.small ? ' †' : ''}`,
    String(row.size),
    row.initialMrr ? money(row.initialMrr.amount, table.currency) : '', // REVENUE rows always carry it
    ...row.cells.map((cell) => (cell === null ? '' : formatPercent(cell, { fractionDigits: 0 }))),
  ]);
  return `${title(`Revenue cohorts by quarter (share of first-quarter MRR), ${window.from} – ${window.to}`)}\n${renderTable(
    [
      { header: 'Cohort' },
      { header: 'Customers', numeric: true },
      { header: 'First MRR', numeric: true },
      ...ages,
    ],
    rows,
  )}`;
}

/** Annual NRR against published ranges. */
export function formatBenchmarks(results: readonly BenchmarkResult[], window: Window): string {
  const figure = results[0]?.figure ?? null;
  const range = (low: number | null, high: number | null) =>
    high === null ? `${formatPercent(low)} and above` : `${formatPercent(low)} – ${formatPercent(high)}`;
  const rows = results.map((result) => [
    result.benchmark.segment,
    range(result.benchmark.low, result.benchmark.high),
    position(result),
    result.tier ?? '',
    result.benchmark.sourcePublisher ?? '',
  ]);
  return `${title(`NRR ${formatPercent(figure)} (${window.from} – ${window.to}) against published ranges`)}\n${renderTable(
    [
      { header: 'Range' },
      { header: 'NRR range' },
      { header: 'Position' },
      { header: 'Tier' },
      { header: 'Source' },
    ],
    rows,
  )}`;
}

/** `within`, or the distance and side: `5.0 pts above`, `15.0 pts below`. */
function position(result: BenchmarkResult): string {
  if (result.position === 'WITHIN') return 'within';
  const points = formatPercentagePoints(Math.abs(result.pointsFromRange), { signDisplay: 'never' });
  return `${points} ${result.position === 'ABOVE' ? 'above' : 'below'}`;
}

function title(raw: string): string {
  const text = escapeControlCharacters(raw);
  return `${text}\n${'═'.repeat(text.length)}`;
}

function money(amount: string, currency = 'USD'): string {
  return formatMoney(amount, currency);
}

function units(amount: string): number {
  const parsed = parseMoney(amount);
  if (parsed === undefined)
    throw new RangeError(
      `the API sent an amount that is not a decimal: ${escapeControlCharacters(JSON.stringify(amount))}`,
    );
  return parsed;
}
