/**
 * The analyst's queries: each `.graphql` file under `queries/` run with its windows, its answer
 * typed. Results are returned as the API sends them (decimal strings, ratios); `report.ts` prints them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ApiConnection, runQuery } from './client.ts';
import type { ReportWindows, Window } from './windows.ts';

/** The text of `queries/<name>.graphql`. */
export function queryDocument(name: string): string {
  return readFileSync(resolve(import.meta.dirname, '../queries', `${name}.graphql`), 'utf8');
}

/** Money as the API sends it: an exact decimal string. */
export interface Money {
  readonly amount: string;
  readonly currency?: string;
}

/** One trailing-12-month point. */
export interface TrailingPoint {
  readonly from: string;
  readonly to: string;
  readonly startingMrr: Required<Money>;
  readonly endingMrr: Money;
  readonly nrr: number | null;
  readonly grr: number | null;
  readonly customers: { readonly starting: number; readonly churned: number };
}

/** Trailing-12-month NRR and GRR for each month of the last twelve. */
export async function trailing12MonthNrr(
  api: ApiConnection,
  windows: ReportWindows,
): Promise<TrailingPoint[]> {
  const data = await runQuery<{ retentionSeries: TrailingPoint[] }>(
    api,
    queryDocument('trailing-12-month-nrr'),
    windowVariables(windows.lastTwelveMonths),
  );
  return data.retentionSeries;
}

/** One plan's annual report. */
export interface PlanReport {
  readonly value: string;
  readonly report: {
    readonly startingMrr: Required<Money>;
    readonly expansion: Money;
    readonly contraction: Money;
    readonly churn: Money;
    readonly endingMrr: Money;
    readonly nrr: number | null;
    readonly grr: number | null;
    readonly customers: { readonly starting: number; readonly churned: number };
  };
}

/** NRR by plan over the last twelve months, largest starting MRR first. */
export async function nrrByPlan(api: ApiConnection, windows: ReportWindows): Promise<PlanReport[]> {
  const data = await runQuery<{ breakdown: PlanReport[] }>(
    api,
    queryDocument('nrr-by-plan'),
    windowVariables(windows.lastTwelveMonths),
  );
  return data.breakdown;
}

/** One churned customer. */
export interface ChurnedCustomer {
  readonly customerId: string;
  /** When the MRR went to zero (ISO instant). */
  readonly at: string;
  /** MRR lost, positive. */
  readonly amount: Required<Money>;
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
}

/** Every customer who churned last quarter (all pages), in the API's order (first change first). */
export async function churnedLastQuarter(
  api: ApiConnection,
  windows: ReportWindows,
): Promise<ChurnedCustomer[]> {
  const document = queryDocument('churned-last-quarter');
  const customers: ChurnedCustomer[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { movements: MovementPage } = await runQuery(api, document, {
      ...windowVariables(windows.lastQuarter),
      after,
    });
    customers.push(...data.movements.edges.map((edge) => edge.node));
    if (!data.movements.pageInfo.hasNextPage) return customers;
    after = data.movements.pageInfo.endCursor;
  }
}

interface MovementPage {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly { readonly node: ChurnedCustomer }[];
}

/** A quarterly revenue cohort table. */
export interface CohortTable {
  readonly currency: string;
  readonly maxAge: number;
  readonly rows: readonly {
    readonly label: string;
    readonly size: number;
    readonly small: boolean;
    readonly initialMrr: Money;
    /** Share of the first quarter's MRR at each age; `null` = not yet observable. */
    readonly cells: readonly (number | null)[];
  }[];
}

/** Quarterly revenue cohorts of the last eight quarters. */
export async function cohortTable(api: ApiConnection, windows: ReportWindows): Promise<CohortTable> {
  const data = await runQuery<{ cohorts: CohortTable }>(
    api,
    queryDocument('cohort-table'),
    windowVariables(windows.lastEightQuarters),
  );
  return data.cohorts;
}

/** One comparison with a published range. */
export interface BenchmarkResult {
  readonly figure: number | null;
  readonly position: 'BELOW' | 'WITHIN' | 'ABOVE' | string;
  readonly pointsFromRange: number;
  readonly tier: string | null;
  readonly benchmark: {
    readonly key: string;
    readonly segment: string;
    readonly low: number | null;
    readonly high: number | null;
    readonly sourcePublisher: string | null;
  };
}

/** Annual NRR against five published ranges, in the order of the query's aliases. */
export async function benchmarkComparison(
  api: ApiConnection,
  windows: ReportWindows,
): Promise<BenchmarkResult[]> {
  const data = await runQuery<Record<string, BenchmarkResult>>(
    api,
    queryDocument('benchmark-comparison'),
    windowVariables(windows.lastTwelveMonths),
  );
  return Object.values(data);
}

function windowVariables(window: Window): { from: string; to: string } {
  return { from: window.from, to: window.to };
}
