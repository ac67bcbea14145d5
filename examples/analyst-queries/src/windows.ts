/** The reporting windows of the analyst queries, from an as-of date (UTC, complete months only). */

/** A half-open window of ISO dates: `from` inclusive, `to` exclusive. */
export interface Window {
  readonly from: string;
  readonly to: string;
}

/** The windows every query uses. */
export interface ReportWindows {
  /** The 12 complete months before the as-of month: annual NRR, by plan, benchmarks. */
  readonly lastTwelveMonths: Window;
  /** The last complete calendar quarter: churned customers. */
  readonly lastQuarter: Window;
  /** The 8 complete quarters before the current one: quarterly cohorts. */
  readonly lastEightQuarters: Window;
}

/** Windows as of `asOf` (a date inside the current, incomplete month). */
export function reportWindows(asOf: Date): ReportWindows {
  const year = asOf.getUTCFullYear();
  const month = asOf.getUTCMonth();
  const quarterStart = month - (month % 3);
  return {
    lastTwelveMonths: { from: monthStart(year, month - 12), to: monthStart(year, month) },
    lastQuarter: { from: monthStart(year, quarterStart - 3), to: monthStart(year, quarterStart) },
    lastEightQuarters: { from: monthStart(year, quarterStart - 24), to: monthStart(year, quarterStart) },
  };
}

/** Parses `NRR_AS_OF`-style `YYYY-MM-DD` (a real calendar date), or throws saying what was expected. */
export function parseAsOf(text: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new RangeError(`as-of date: got ${JSON.stringify(text)}, expected a date such as 2026-11-22`);
  }
  return date;
}

function monthStart(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
}
