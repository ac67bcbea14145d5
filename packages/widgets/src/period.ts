import type { IsoDate } from './types.ts';

/** Named windows, resolved against today's date (UTC) when a query is made. */
export type PeriodPreset = 'last-12-months' | 'last-quarter' | 'last-month' | 'year-to-date';

/** A half-open window `[from, to)` of ISO dates. */
export interface DateRange {
  /** First day (inclusive). */
  readonly from: IsoDate;
  /** Day after the last (exclusive). */
  readonly to: IsoDate;
}

/** What a card or hook reports on: explicit dates or a preset. Default everywhere: `last-12-months`. */
export type PeriodInput = DateRange | PeriodPreset;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utc(year: number, month: number, day = 1): Date {
  return new Date(Date.UTC(year, month, day));
}

function iso(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

/** Parses `YYYY-MM-DD` strictly (no impossible dates); `undefined` otherwise. */
export function parseIsoDate(text: string): Date | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = utc(y, m - 1, d);
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : undefined;
}

/**
 * The window a period input names, relative to `now` (UTC):
 * - `last-12-months`: the 12 complete months before the current month;
 * - `last-quarter`: the last complete calendar quarter;
 * - `last-month`: the last complete month;
 * - `year-to-date`: 1 January of this year up to today, today included.
 * A `{ from, to }` range is returned as given after checking both dates and that `from < to`.
 * @throws RangeError naming the bad value.
 */
export function resolvePeriod(period: PeriodInput, now: Date = new Date()): DateRange {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  switch (period) {
    case 'last-12-months':
      return { from: iso(utc(year, month - 12)), to: iso(utc(year, month)) };
    case 'last-month':
      return { from: iso(utc(year, month - 1)), to: iso(utc(year, month)) };
    case 'last-quarter': {
      const quarterStart = month - (month % 3);
      return { from: iso(utc(year, quarterStart - 3)), to: iso(utc(year, quarterStart)) };
    }
    case 'year-to-date':
      return { from: iso(utc(year, 0)), to: iso(utc(year, month, now.getUTCDate() + 1)) };
    default: {
      const from = parseIsoDate(period.from);
      const to = parseIsoDate(period.to);
      if (!from || !to || from >= to) {
        throw new RangeError(
          `Invalid period {from: "${period.from}", to: "${period.to}"}: expected two YYYY-MM-DD dates with from before to.`,
        );
      }
      return { from: period.from, to: period.to };
    }
  }
}

/**
 * The window of the same length just before `range`: the same number of months when both ends are
 * the 1st of a month, otherwise the same number of days. Used for "change vs previous period".
 */
export function previousPeriod(range: DateRange): DateRange {
  const from = parseIsoDate(range.from);
  const to = parseIsoDate(range.to);
  if (!from || !to) throw new RangeError(`Invalid period {from: "${range.from}", to: "${range.to}"}.`);
  if (from.getUTCDate() === 1 && to.getUTCDate() === 1) {
    const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
    return { from: iso(utc(from.getUTCFullYear(), from.getUTCMonth() - months)), to: range.from };
  }
  return { from: iso(new Date(2 * from.getTime() - to.getTime())), to: range.from };
}

/** Whole calendar months in `range` when it is month-aligned, otherwise `undefined`. */
export function monthsInPeriod(range: DateRange): number | undefined {
  const from = parseIsoDate(range.from);
  const to = parseIsoDate(range.to);
  if (!from || !to || from.getUTCDate() !== 1 || to.getUTCDate() !== 1) return undefined;
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
}

/**
 * A short human label for a window in the locale, e.g. `Jan 2024 – Dec 2024` for `[2024-01-01,
 * 2025-01-01)` (the exclusive end is shown as the last day's month) or `Mar 2024` for one month.
 */
export function formatPeriod(range: DateRange, locale: string): string {
  const from = parseIsoDate(range.from);
  const to = parseIsoDate(range.to);
  if (!from || !to) return `${range.from} – ${range.to}`;
  const last = new Date(to.getTime() - 86_400_000);
  const monthAligned = from.getUTCDate() === 1 && to.getUTCDate() === 1;
  const format = new Intl.DateTimeFormat(
    locale,
    monthAligned
      ? { month: 'short', year: 'numeric', timeZone: 'UTC' }
      : { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' },
  );
  const start = format.format(from);
  const end = format.format(last);
  return start === end ? start : `${start} – ${end}`;
}
