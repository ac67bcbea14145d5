/**
 * Dates and periods. Instants are epoch milliseconds in UTC; periods are half-open `[from, to)`
 * (retention semantics §3). Calendar arithmetic is done in UTC.
 */

/** An instant: milliseconds since the Unix epoch, UTC. */
export type Instant = number;

/** Calendar granularity of periods, cohorts and series. */
export type Granularity = 'MONTH' | 'QUARTER' | 'YEAR';

/** A half-open period `[from, to)` of instants. */
export interface Period {
  readonly from: Instant;
  readonly to: Instant;
}

export const MS_PER_DAY = 86_400_000;

/** Average month length in days used for day-based normalisation: 365.2425 / 12 (retention semantics §2). */
export const DAYS_PER_MONTH = 365.2425 / 12;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function isValidDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month - 1);
}

/** Days in a month; `month0` is 0-based (0 = January). */
export function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 date (`2024-03-01`, taken as midnight UTC) or date-time
 * (`2024-03-01T12:30:00Z`, `2024-03-01 12:30:00+02:00`; no offset means UTC) into an instant.
 * Rejects impossible dates such as `2023-02-30` by returning `undefined`.
 */
export function parseInstant(text: string): Instant | undefined {
  const value = text.trim();
  let match = DATE_ONLY.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return isValidDay(year, month, day) ? Date.UTC(year, month - 1, day) : undefined;
  }
  match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match?.[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(match[6] ?? 0);
  const millis = Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3));
  if (!isValidDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = match[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Formats an instant as an ISO date (`2024-03-01`), UTC. */
export function toIsoDate(instant: Instant): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** Midnight UTC at the start of the given day. */
export function startOfDay(instant: Instant): Instant {
  return Math.floor(instant / MS_PER_DAY) * MS_PER_DAY;
}

/**
 * Adds calendar months in UTC, keeping the time of day and clamping the day to the target
 * month's length (Jan 31 + 1 month = Feb 28 or 29).
 */
export function addMonths(instant: Instant, months: number): Instant {
  const date = new Date(instant);
  const year = date.getUTCFullYear();
  const month0 = date.getUTCMonth() + months;
  const targetYear = year + Math.floor(month0 / 12);
  const targetMonth0 = ((month0 % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(targetYear, targetMonth0));
  return Date.UTC(
    targetYear,
    targetMonth0,
    day,
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}

/** Number of months in one period of a granularity. */
export function monthsIn(granularity: Granularity): number {
  switch (granularity) {
    case 'MONTH':
      return 1;
    case 'QUARTER':
      return 3;
    case 'YEAR':
      return 12;
    default:
      return granularity satisfies never;
  }
}

/** Start (midnight UTC on the 1st) of the month, quarter or year containing the instant. */
export function periodStart(instant: Instant, granularity: Granularity): Instant {
  const date = new Date(instant);
  const step = monthsIn(granularity);
  const month0 = Math.floor(date.getUTCMonth() / step) * step;
  return Date.UTC(date.getUTCFullYear(), month0, 1);
}

/**
 * The consecutive calendar periods of a granularity that cover `[from, to)`: the first starts at
 * the period containing `from`, the last is the one containing the instant just before `to`.
 */
export function periodsBetween(from: Instant, to: Instant, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  const step = monthsIn(granularity);
  for (let start = periodStart(from, granularity); start < to; start = addMonths(start, step)) {
    periods.push({ from: start, to: addMonths(start, step) });
  }
  return periods;
}

/** Label of the calendar period starting at an instant: `2024-03`, `2024-Q1` or `2024`. */
export function periodLabel(start: Instant, granularity: Granularity): string {
  const date = new Date(start);
  const year = date.getUTCFullYear();
  switch (granularity) {
    case 'MONTH':
      return `${year}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
    case 'QUARTER':
      return `${year}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
    case 'YEAR':
      return String(year);
    default:
      return granularity satisfies never;
  }
}

/**
 * Whole calendar months from `from` to `to` when `to` is exactly `from` plus n months
 * (Jan 15 → Apr 15 = 3, Jan 31 → Feb 28 = 1 by end-of-month clamping), otherwise `undefined`.
 */
export function wholeMonthsBetween(from: Instant, to: Instant): number | undefined {
  if (to <= from) return undefined;
  const a = new Date(from);
  const b = new Date(to);
  const estimate = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  for (const n of [estimate, estimate - 1]) {
    if (n >= 1 && addMonths(from, n) === to) return n;
  }
  // A month-end start (Jan 31) also ends on month ends (Apr 30): count those as whole months.
  if (estimate >= 1 && isLastDayOfMonth(a) && isLastDayOfMonth(b) && sameTimeOfDay(a, b)) return estimate;
  return undefined;
}

function isLastDayOfMonth(date: Date): boolean {
  return date.getUTCDate() === daysInMonth(date.getUTCFullYear(), date.getUTCMonth());
}

function sameTimeOfDay(a: Date, b: Date): boolean {
  return a.getTime() % MS_PER_DAY === b.getTime() % MS_PER_DAY;
}
