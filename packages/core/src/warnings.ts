import { type Instant, toIsoDate } from './dates.ts';
import type { RetentionWarning, WarningCode } from './reports.ts';

/**
 * Every warning code the engine raises, with when it is raised (retention semantics §9). The API's
 * GraphQL enum `WarningCode` is built from this list. A missing exchange rate is not a warning: the
 * engine refuses the question (`EngineError` `MISSING_FX_RATE`), since no figure can be given.
 */
export const WARNING_CODES: Readonly<Record<WarningCode, string>> = {
  EXPANSION_MASKS_CHURN:
    'NRR is at least 100% while GRR is below 90%: expansion hides churn and contraction.',
  CONCENTRATED_EXPANSION: 'The top 3 customers make up more than half of expansion.',
  CONCENTRATED_REVENUE: 'The top 3 customers hold more than half of starting MRR.',
  SMALL_SAMPLE: 'The starting cohort has fewer customers than the minimum sample size (default 10).',
  IMMATURE_WINDOW: 'The period ends after the last data: its figures will change as later data arrives.',
  WINDOW_AFTER_DATA:
    'The period starts after the last data: nothing about it is measured, so its ratios are null.',
  EMPTY_COHORT: 'Nobody was paying at the start of the period: its ratios are null.',
  UNKNOWN_SEGMENT_VALUE:
    'A segment condition names a value no customer has ever had: that value selects nobody (the message names the close values).',
};

/** Fewer customers than this in a cohort or segment raise `SMALL_SAMPLE` (retention semantics §9). */
export const SMALL_SAMPLE_SIZE = 10;

/** What the warnings are judged on. */
export interface WarningInput {
  readonly nrr: number | null;
  readonly grr: number | null;
  readonly cohortSize: number;
  readonly startingMrr: number;
  readonly expansion: number;
  /** The three largest starting MRRs and expansions in the cohort. */
  readonly topStarting: readonly number[];
  readonly topExpansion: readonly number[];
  readonly from: Instant;
  readonly to: Instant;
  readonly asOf: Instant;
  /** Minimum cohort size before `SMALL_SAMPLE`; default {@link SMALL_SAMPLE_SIZE}. */
  readonly minSampleSize?: number;
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Whether a period starts after the end of known data (`asOf`, the last change the data shows, so a
 * period starting at `asOf` still sees that change): the figures of such a period
 * would only repeat the last known MRR (every open subscription assumed to go on unchanged), so
 * its ratios are null and it carries `WINDOW_AFTER_DATA`, never a clean-looking 100%.
 */
export function windowAfterData(from: Instant, asOf: Instant): boolean {
  return from > asOf;
}

/**
 * The warnings of retention semantics §9, each with a stable code and a message that says what
 * was found and what to do: expansion masking churn, concentration of expansion or starting MRR
 * in the top 3 customers, small samples, empty cohorts and windows that reach past the data.
 */
export function retentionWarnings(input: WarningInput): RetentionWarning[] {
  const warnings: RetentionWarning[] = [];
  const minimum = input.minSampleSize ?? SMALL_SAMPLE_SIZE;
  if (input.cohortSize === 0) {
    warnings.push({
      code: 'EMPTY_COHORT',
      message:
        'No customer was paying at the start of this period, so retention ratios are undefined; pick a later period or a wider segment.',
    });
  } else if (input.cohortSize < minimum) {
    warnings.push({
      code: 'SMALL_SAMPLE',
      message: `Only ${input.cohortSize} customers were paying at the start of this period (fewer than ${minimum}); one customer moves these ratios a lot, so widen the segment or the period before drawing conclusions.`,
    });
  }
  if (input.nrr !== null && input.grr !== null && input.nrr >= 1 && input.grr < 0.9) {
    warnings.push({
      code: 'EXPANSION_MASKS_CHURN',
      message: `NRR is ${percent(input.nrr)} but GRR is only ${percent(input.grr)}: expansion from remaining customers hides churn and contraction; look at the churned and contracted customers.`,
    });
  }
  if (input.expansion > 0 && sum(input.topExpansion) * 2 > input.expansion) {
    warnings.push({
      code: 'CONCENTRATED_EXPANSION',
      message: `The top ${input.topExpansion.length} customers account for ${percent(sum(input.topExpansion) / input.expansion)} of expansion; NRR depends on a few accounts, so check them before relying on the trend.`,
    });
  }
  if (input.startingMrr > 0 && sum(input.topStarting) * 2 > input.startingMrr) {
    warnings.push({
      code: 'CONCENTRATED_REVENUE',
      message: `The top ${input.topStarting.length} customers hold ${percent(sum(input.topStarting) / input.startingMrr)} of starting MRR; losing one of them would move retention sharply.`,
    });
  }
  if (windowAfterData(input.from, input.asOf)) {
    // Nothing is known about such a period: its ratios are null (see windowAfterData).
    warnings.push({
      code: 'WINDOW_AFTER_DATA',
      message: `The period starts on ${toIsoDate(input.from)}, when the data has already ended (${toIsoDate(input.asOf)}): nothing is known about it, so its ratios are not reported; pick a period that ends by ${toIsoDate(input.asOf)}, or import later data.`,
    });
  } else if (input.to > input.asOf) {
    warnings.push({
      code: 'IMMATURE_WINDOW',
      message: `The period runs to ${toIsoDate(input.to)} but the data ends at ${toIsoDate(input.asOf)}; its figures will change as later data arrives.`,
    });
  }
  return warnings;
}
