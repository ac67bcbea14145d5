/**
 * The engine work one request may cause, counted at resolve time (query-limits.ts estimates the
 * document before execution, but cannot know how many customers a tenant has nor how many windows
 * a date range holds: one `retentionSeries` over 20 years of months at 100,000 customers costs a
 * thousand times one `retention` over a year).
 *
 * Work is counted in customer-windows: the tenant's customers times the windows a question
 * evaluates, plus a fixed {@link SCAN_WINDOWS} per customer for reading its changes (measured:
 * one `retention` at 100,000 customers costs about as much as eleven windows of a series) and
 * {@link GROUPING_WINDOWS} more for a `breakdown`'s grouping. On the 2-core machine this was
 * calibrated on, 1,000,000 customer-windows is about 0.1 s of engine time.
 */
import { type Granularity, type Instant, monthsIn, periodsBetween, type RetentionMethod } from '@nrr/core';
import { ApiError } from '../errors.ts';

/**
 * Default work a request may cause: 40,000,000 customer-windows (about 4 s of engine time here).
 * Every query of the widgets, examples and docs fits it at 100,000 customers × 36 months; 30
 * aliased 20-year monthly series do not.
 */
export const DEFAULT_WORK_BUDGET = 40_000_000;
/** Windows' worth of work per customer that any question costs: reading its changes once. */
export const SCAN_WINDOWS = 10;
/** Extra windows' worth of work per customer of a `breakdown` (finding its value of the dimension). */
export const GROUPING_WINDOWS = 60;

/** What one request has spent; over its limit, further questions are refused with `COST_LIMIT`. */
export class WorkBudget {
  #spent = 0;
  readonly #charged = new Set<string>();

  /** @param limit Customer-windows allowed (`Infinity`: no limit). */
  constructor(readonly limit: number = DEFAULT_WORK_BUDGET) {}

  /** Work charged so far, in customer-windows. */
  get spent(): number {
    return this.#spent;
  }

  /**
   * Charges `work` customer-windows for the question `key` (once per key and request: aliases
   * asking the same are computed once). Throws `COST_LIMIT` (HTTP 400: every analytic root field
   * is non-null, so the whole answer is refused) when the request would exceed its limit, naming
   * `question`, its work and what remains.
   */
  charge(question: string, key: string, work: number): void {
    if (this.#charged.has(key)) return;
    if (this.#spent + work > this.limit) {
      const remaining = Math.max(0, this.limit - this.#spent);
      throw new ApiError(
        'COST_LIMIT',
        `${question} needs ${formatWork(work)} customer-windows of engine work, and this request has ${formatWork(remaining)} left of its limit of ${formatWork(this.limit)}; ask for fewer periods (a coarser granularity or a shorter window), or send fewer fields or aliases per request`,
        { question, work, spent: this.#spent, limit: this.limit, http: { status: 400 } },
      );
    }
    this.#spent += work;
    this.#charged.add(key);
  }
}

function formatWork(work: number): string {
  return Number.isFinite(work) ? Math.round(work).toLocaleString('en') : 'unlimited';
}

/** Windows one retention figure of `method` over `[from, to)` evaluates (CHAINED: its months too). */
export function retentionWindows(
  method: RetentionMethod,
  from: Instant,
  to: Instant,
  timeZone?: string,
): number {
  return method === 'CHAINED' ? 1 + periodsBetween(from, to, 'MONTH', timeZone).length : 1;
}

/** Windows a series evaluates: one per period (CHAINED: plus each period's months). */
export function seriesWindows(
  method: RetentionMethod,
  from: Instant,
  to: Instant,
  granularity: Granularity,
  timeZone?: string,
): number {
  const periods = periodsBetween(from, to, granularity, timeZone).length;
  return method === 'CHAINED' ? periods * (1 + monthsIn(granularity)) : periods;
}

/** Windows a cohort table evaluates: one column per period. */
export function cohortWindows(
  from: Instant,
  to: Instant,
  granularity: Granularity,
  timeZone?: string,
): number {
  return periodsBetween(from, to, granularity, timeZone).length;
}

/** Customer-windows of a question over `customers` customers evaluating `windows` windows. */
export function questionWork(
  customers: number,
  windows: number,
  options: { grouped?: boolean } = {},
): number {
  return customers * (windows + SCAN_WINDOWS + (options.grouped ? GROUPING_WINDOWS : 0));
}
