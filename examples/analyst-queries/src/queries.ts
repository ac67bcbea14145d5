/**
 * The analyst's queries: each `.graphql` file under `queries/` run with its windows, its answer
 * typed by the types `pnpm codegen` generates from them and the API's schema (`queries.generated.ts`). Results are returned as the API sends them (decimal strings, ratios); `report.ts` prints them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ApiConnection, runQuery } from './client.ts';
import type {
  BenchmarkComparisonQuery,
  ChurnedCustomersQuery,
  CohortTableQuery,
  Comparison,
  NrrByPlanQuery,
  Trailing12MonthNrrQuery,
} from './queries.generated.ts';
import type { ReportWindows, Window } from './windows.ts';

/** The text of `queries/<name>.graphql`. */
export function queryDocument(name: string): string {
  return readFileSync(resolve(import.meta.dirname, '../queries', `${name}.graphql`), 'utf8');
}

/** One trailing-12-month point. */
export type TrailingPoint = Trailing12MonthNrrQuery['retentionSeries'][number];

/** Trailing-12-month NRR and GRR for each month of the last twelve. */
export async function trailing12MonthNrr(
  api: ApiConnection,
  windows: ReportWindows,
): Promise<readonly TrailingPoint[]> {
  const data = await runQuery<Trailing12MonthNrrQuery>(
    api,
    queryDocument('trailing-12-month-nrr'),
    windowVariables(windows.lastTwelveMonths),
  );
  return data.retentionSeries;
}

/** One plan's annual report. */
export type PlanReport = NrrByPlanQuery['breakdown'][number];

/** NRR by plan over the last twelve months, largest starting MRR first. */
export async function nrrByPlan(api: ApiConnection, windows: ReportWindows): Promise<readonly PlanReport[]> {
  const data = await runQuery<NrrByPlanQuery>(
    api,
    queryDocument('nrr-by-plan'),
    windowVariables(windows.lastTwelveMonths),
  );
  return data.breakdown;
}

/** One churned customer: `at` is when the MRR went to zero, `amount` the MRR lost (positive). */
export type ChurnedCustomer = ChurnedCustomersQuery['movements']['edges'][number]['node'];

/** Every customer who churned last quarter (all pages), in the API's order (first change first). */
export async function churnedLastQuarter(
  api: ApiConnection,
  windows: ReportWindows,
): Promise<ChurnedCustomer[]> {
  const document = queryDocument('churned-last-quarter');
  const customers: ChurnedCustomer[] = [];
  let after: string | null = null;
  for (;;) {
    const data: ChurnedCustomersQuery = await runQuery(api, document, {
      ...windowVariables(windows.lastQuarter),
      after,
    });
    customers.push(...data.movements.edges.map((edge) => edge.node));
    if (!data.movements.pageInfo.hasNextPage) return customers;
    after = data.movements.pageInfo.endCursor;
  }
}

/** A quarterly revenue cohort table; each cell is a share of the first quarter's MRR (`null` = not yet observable). */
export type CohortTable = CohortTableQuery['cohorts'];

/** Quarterly revenue cohorts of the last eight quarters. */
export async function cohortTable(api: ApiConnection, windows: ReportWindows): Promise<CohortTable> {
  const data = await runQuery<CohortTableQuery>(
    api,
    queryDocument('cohort-table'),
    windowVariables(windows.lastEightQuarters),
  );
  return data.cohorts;
}

/** One comparison with a published range (the query's `Comparison` fragment). */
export type BenchmarkResult = Comparison;

/** Annual NRR against five published ranges, in the order of the query's aliases. */
export async function benchmarkComparison(
  api: ApiConnection,
  windows: ReportWindows,
): Promise<BenchmarkResult[]> {
  const data = await runQuery<BenchmarkComparisonQuery>(
    api,
    queryDocument('benchmark-comparison'),
    windowVariables(windows.lastTwelveMonths),
  );
  return Object.values(data);
}

function windowVariables(window: Window): { from: string; to: string } {
  return { from: window.from, to: window.to };
}
