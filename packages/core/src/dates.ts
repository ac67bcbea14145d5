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

/** An instant as an ISO date when it is midnight UTC, else as a full ISO date-time (for messages and ids). */
export function formatInstant(instant: Instant): string {
  return instant % MS_PER_DAY === 0 ? toIsoDate(instant) : new Date(instant).toISOString();
}

/** Midnight UTC at the start of the given day. */
export function startOfDay(instant: Instant): Instant {
  return Math.floor(instant / MS_PER_DAY) * MS_PER_DAY;
}

/** Calendar fields of an instant in a time zone (UTC when none is given); `month0` is 0-based. */
export interface CivilTime {
  readonly year: number;
  readonly month0: number;
  readonly day: number;
  /** Milliseconds since local midnight. */
  readonly timeOfDay: number;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const isUtc = (timeZone: string | undefined): timeZone is undefined => !timeZone || timeZone === 'UTC';

/** Whether the runtime knows an IANA time zone name such as `Australia/Sydney`. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date and time of day of an instant in a time zone (UTC by default). */
export function civilTime(instant: Instant, timeZone?: string): CivilTime {
  if (isUtc(timeZone)) {
    const date = new Date(instant);
    return {
      year: date.getUTCFullYear(),
      month0: date.getUTCMonth(),
      day: date.getUTCDate(),
      timeOfDay: instant - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
    };
  }
  const fields: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const millis = ((instant % 1000) + 1000) % 1000;
  return {
    year: fields.year as number,
    month0: (fields.month as number) - 1,
    day: fields.day as number,
    timeOfDay:
      (((fields.hour as number) * 60 + (fields.minute as number)) * 60 + (fields.second as number)) * 1000 +
      millis,
  };
}

/**
 * The instant at which a time zone's clock shows the given date and time of day. For a local time
 * skipped by a daylight-saving jump, the instant after the jump; for a repeated one, the first.
 */
export function fromCivilTime(civil: CivilTime, timeZone?: string): Instant {
  const local = Date.UTC(civil.year, civil.month0, civil.day) + civil.timeOfDay;
  if (isUtc(timeZone)) return local;
  const offsetAt = (instant: Instant) => {
    const c = civilTime(instant, timeZone);
    return Date.UTC(c.year, c.month0, c.day) + c.timeOfDay - instant;
  };
  // The offsets a day either side cover any transition; keep the earliest candidate that reads back right.
  const before = offsetAt(local - MS_PER_DAY);
  const after = offsetAt(local + MS_PER_DAY);
  const candidates = [local - before, local - after].filter((c) => offsetAt(c) === local - c);
  return candidates.length > 0 ? Math.min(...candidates) : local - before;
}

/**
 * Adds calendar months, keeping the time of day and clamping the day to the target month's
 * length (Jan 31 + 1 month = Feb 28 or 29), in a time zone's calendar (UTC by default).
 */
export function addMonths(instant: Instant, months: number, timeZone?: string): Instant {
  const civil = civilTime(instant, timeZone);
  const month0 = civil.month0 + months;
  const year = civil.year + Math.floor(month0 / 12);
  const targetMonth0 = ((month0 % 12) + 12) % 12;
  const day = Math.min(civil.day, daysInMonth(year, targetMonth0));
  return fromCivilTime({ year, month0: targetMonth0, day, timeOfDay: civil.timeOfDay }, timeZone);
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

/** Start (midnight on the 1st, in the time zone; UTC by default) of the month, quarter or year containing the instant. */
export function periodStart(instant: Instant, granularity: Granularity, timeZone?: string): Instant {
  const civil = civilTime(instant, timeZone);
  const step = monthsIn(granularity);
  const month0 = Math.floor(civil.month0 / step) * step;
  return fromCivilTime({ year: civil.year, month0, day: 1, timeOfDay: 0 }, timeZone);
}

/**
 * The consecutive calendar periods of a granularity that cover `[from, to)`: the first starts at
 * the period containing `from`, the last is the one containing the instant just before `to`.
 * Boundaries are local midnights in the time zone (UTC by default).
 */
export function periodsBetween(
  from: Instant,
  to: Instant,
  granularity: Granularity,
  timeZone?: string,
): Period[] {
  const periods: Period[] = [];
  const step = monthsIn(granularity);
  const first = periodStart(from, granularity, timeZone);
  for (let k = 0; ; k++) {
    const start = addMonths(first, k * step, timeZone);
    if (start >= to) break;
    periods.push({ from: start, to: addMonths(first, (k + 1) * step, timeZone) });
  }
  return periods;
}

/** Label of the calendar period starting at an instant: `2024-03`, `2024-Q1` or `2024` (in the time zone; UTC by default). */
export function periodLabel(start: Instant, granularity: Granularity, timeZone?: string): string {
  const { year, month0 } = civilTime(start, timeZone);
  switch (granularity) {
    case 'MONTH':
      return `${year}-${String(month0 + 1).padStart(2, '0')}`;
    case 'QUARTER':
      return `${year}-Q${Math.floor(month0 / 3) + 1}`;
    case 'YEAR':
      return String(year);
    default:
      return granularity satisfies never;
  }
}

/** Whole calendar months from the month containing `from` to the month containing `to` (in the time zone). */
export function monthIndexBetween(from: Instant, to: Instant, timeZone?: string): number {
  const a = civilTime(from, timeZone);
  const b = civilTime(to, timeZone);
  return (b.year - a.year) * 12 + (b.month0 - a.month0);
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
