/** The panel's filters: which window and which customers every card reports on. */
import type { DateRange, PeriodInput, SegmentFilter } from '@nrr/widgets';

/** A choice of the period picker. */
export interface PeriodOption {
  /** Stable id, the `<option>` value. */
  readonly id: string;
  readonly label: string;
  readonly period: PeriodInput;
}

/** The period picker's choices for a given clock: the widgets' presets and the last calendar year. */
export function periodOptions(now: Date): readonly PeriodOption[] {
  const lastYear = now.getUTCFullYear() - 1;
  return [
    { id: 'last-month', label: 'Last month', period: 'last-month' },
    { id: 'last-quarter', label: 'Last quarter', period: 'last-quarter' },
    { id: 'last-12-months', label: 'Last 12 months', period: 'last-12-months' },
    { id: 'year-to-date', label: 'Year to date', period: 'year-to-date' },
    {
      id: `year-${lastYear}`,
      label: `Year ${lastYear}`,
      period: { from: `${lastYear}-01-01`, to: `${lastYear + 1}-01-01` },
    },
  ];
}

/** Dimensions of the segment picker: the demo tenant's attributes and the size bands. */
export type SegmentDimension = 'all' | 'plan' | 'country' | 'billing_interval' | 'size_band';

/** Labels of {@link SegmentDimension}, in picker order. */
export const SEGMENT_DIMENSIONS: readonly { readonly id: SegmentDimension; readonly label: string }[] = [
  { id: 'all', label: 'All customers' },
  { id: 'plan', label: 'Plan' },
  { id: 'country', label: 'Country' },
  { id: 'billing_interval', label: 'Billing interval' },
  { id: 'size_band', label: 'Size band' },
];

/** Size bands (by starting MRR) and their labels; the API's `SizeBand` values. */
export const SIZE_BANDS = [
  { value: 'SMB', label: 'SMB' },
  { value: 'MID_MARKET', label: 'Mid-market' },
  { value: 'ENTERPRISE', label: 'Enterprise' },
] as const;

/** A segment choice: a dimension and one of its values (`all` has none). */
export interface SegmentChoice {
  readonly dimension: SegmentDimension;
  readonly value: string | undefined;
}

/** The API's segment filter for a choice; `undefined` means every customer. */
export function segmentFilter(choice: SegmentChoice): SegmentFilter | undefined {
  const { dimension, value } = choice;
  if (dimension === 'all' || value === undefined) return undefined;
  if (dimension === 'size_band') {
    const band = SIZE_BANDS.find((candidate) => candidate.value === value);
    return band ? { sizeBands: [band.value] } : undefined;
  }
  return { attributes: [{ name: dimension, values: [value] }] };
}

/** A readable label for a segment value (`year` → `Annual`; other values as stored). */
export function segmentValueLabel(dimension: SegmentDimension, value: string): string {
  if (dimension === 'billing_interval')
    return value === 'year' ? 'Annual' : value === 'month' ? 'Monthly' : value;
  if (dimension === 'size_band') return SIZE_BANDS.find((band) => band.value === value)?.label ?? value;
  return value;
}

/**
 * The window of the trend and cohort cards for a period: the 12 whole months ending where the
 * period ends (a period ending mid-month, like year-to-date, ends at that month's start).
 */
export function trailingYear(range: DateRange): DateRange {
  const end = new Date(`${range.to}T00:00:00Z`);
  const to = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1);
  const from = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 12, 1);
  return { from: isoDate(from), to: isoDate(to) };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
