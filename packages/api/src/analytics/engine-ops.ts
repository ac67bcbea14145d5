/**
 * The engine computations the API runs off the request thread, as plain data: an operation names
 * core's function and carries its arguments, so it can be posted to a worker thread
 * (./engine-pool.ts) or run in place (`engineWorkers: 0`) by the same {@link runOperation}.
 * Results are core's own types, which hold only numbers, strings, arrays and plain objects and
 * so survive the structured clone back unchanged.
 */
import {
  type Breakdown,
  buildTimeline,
  type CohortMeasure,
  type CohortTable,
  type CohortView,
  type CustomerMovement,
  computeBreakdown,
  computeCohorts,
  computeMovements,
  computeRetention,
  computeRetentionSeries,
  createExchangeRates,
  DEFAULT_DEFINITIONS,
  type DefinitionShares,
  type Definitions,
  definitionShares,
  EngineError,
  type ExchangeRates,
  type FxRate,
  type Granularity,
  type MovementKind,
  type MrrSpan,
  patchTimeline,
  queryOptionsOf,
  type RetentionMethod,
  type RetentionReport,
  rebaseExchangeRates,
  type SegmentFilter,
  type SegmentVocabulary,
  segmentVocabulary,
  type Timeline,
  type TimelinePatch,
  timelineOptionsOf,
} from '@nrr/core';

/** What a tenant's timeline is built from: its stored spans and the end of known data. */
export interface TimelineSource {
  readonly spans: readonly MrrSpan[];
  /** The last successful import (ms), when later than the last change: `asOf` is at least this. */
  readonly asOfAtLeast?: number;
}

/** A tenant's rate table as stored: its reporting currency and dated rates. */
export interface RateTable {
  readonly reportingCurrency: string;
  readonly rates: readonly FxRate[];
}

/** The window of a question, with its effective segment and the currency to report in. */
export interface EngineWindow {
  readonly from: number;
  readonly to: number;
  readonly segment?: SegmentFilter;
  /** The reporting currency (checked by the caller: the tenant's, or one with stored rates). */
  readonly currency: string;
}

/** What a timeline holds, for budgets and the `Tenant` fields. */
export interface TimelineSummary {
  /** Customers (entities). */
  readonly size: number;
  /** End of known data (ms). */
  readonly asOf: number;
  /** Currencies billed in, sorted. */
  readonly currencies: readonly string[];
}

/** One engine computation. */
export type EngineOperation =
  | { readonly kind: 'summary' }
  /** The attribute names of the data and the values of `names`, to check a segment against. */
  | { readonly kind: 'segmentVocabulary'; readonly names: readonly string[] }
  | { readonly kind: 'retention'; readonly window: EngineWindow; readonly method: RetentionMethod }
  | {
      readonly kind: 'retentionSeries';
      readonly window: EngineWindow;
      readonly method: RetentionMethod;
      readonly granularity: Granularity;
    }
  | {
      readonly kind: 'breakdown';
      readonly window: EngineWindow;
      readonly method: RetentionMethod;
      readonly by: string;
      readonly limit: number;
    }
  | {
      readonly kind: 'cohorts';
      readonly window: EngineWindow;
      readonly granularity: Granularity;
      readonly measure: CohortMeasure;
      readonly view: CohortView;
    }
  | { readonly kind: 'movements'; readonly window: EngineWindow; readonly kinds?: readonly MovementKind[] }
  /**
   * One definition set's half of a definition diff (core's `definitionShares`, PERIOD method):
   * its report and each customer's share, in typed-array columns (cheap to clone back);
   * `compareShares` combines two of them on the request thread.
   */
  | { readonly kind: 'definitionShares'; readonly window: EngineWindow };

/** The result of each operation kind. */
export interface EngineResults {
  readonly summary: TimelineSummary;
  readonly segmentVocabulary: SegmentVocabulary;
  readonly retention: RetentionReport;
  readonly retentionSeries: RetentionReport[];
  readonly breakdown: Breakdown;
  readonly cohorts: CohortTable;
  readonly movements: CustomerMovement[];
  readonly definitionShares: DefinitionShares;
}

/** The result type of an operation. */
export type EngineResult<O extends EngineOperation> = EngineResults[O['kind']];

/**
 * Builds a tenant's timeline from its source under a definition set's grain, churn date and
 * coalescing window (default: the engine's defaults, customer grain). The source's spans must
 * already be those of the set's span options.
 */
export function buildTenantTimeline(
  source: TimelineSource,
  definitions: Definitions = DEFAULT_DEFINITIONS,
): Timeline {
  return buildTimeline(source.spans, {
    ...timelineOptionsOf(definitions),
    ...(source.asOfAtLeast === undefined ? {} : { asOfAtLeast: source.asOfAtLeast }),
  });
}

/**
 * `base` with `patch` applied (the patch's customers rebuilt from its spans, as a full rebuild
 * would build them): `base` itself when no customer changed and the end of known data cannot
 * move (the floor is not past `base`'s end), else core's `patchTimeline`.
 */
export function applyPatch(base: Timeline, patch: TimelinePatch): Timeline {
  const customers = Array.isArray(patch.customerIds) ? patch.customerIds : [...patch.customerIds];
  if (customers.length === 0 && (patch.asOfAtLeast === undefined || patch.asOfAtLeast <= base.asOf))
    return base;
  return patchTimeline(base, { ...patch, customerIds: customers });
}

/** Core's rates from a stored table (`createExchangeRates`). */
export function ratesOf(table: RateTable): ExchangeRates {
  return createExchangeRates(table.reportingCurrency, table.rates);
}

/** The summary of a timeline. */
export function summaryOf(timeline: Timeline): TimelineSummary {
  return { size: timeline.size, asOf: timeline.asOf, currencies: [...timeline.currencies].sort() };
}

/**
 * Runs `operation` on a tenant's timeline with its base rates, under the query options of
 * `definitions` (reactivation window, size bands, time zone; the timeline was built under its
 * other options). Throws core's `EngineError` for a question the engine refuses (the caller turns
 * it into `BAD_USER_INPUT`).
 */
export function runOperation<O extends EngineOperation>(
  timeline: Timeline,
  base: ExchangeRates,
  operation: O,
  definitions: Definitions = DEFAULT_DEFINITIONS,
): EngineResult<O> {
  return dispatch(timeline, base, operation, definitions) as EngineResult<O>;
}

function dispatch(
  timeline: Timeline,
  base: ExchangeRates,
  operation: EngineOperation,
  definitions: Definitions,
): unknown {
  if (operation.kind === 'summary') return summaryOf(timeline);
  if (operation.kind === 'segmentVocabulary') return segmentVocabulary(timeline.entities, operation.names);
  const { currency, ...window } = operation.window;
  const rates = rebaseExchangeRates(base, currency);
  if (!rates) throw new EngineError('MISSING_FX_RATE', `no exchange rates to report in ${currency}`);
  const query = { ...window, rates, ...queryOptionsOf(definitions) };
  switch (operation.kind) {
    case 'retention':
      return computeRetention(timeline, { ...query, method: operation.method });
    case 'retentionSeries':
      return computeRetentionSeries(timeline, {
        ...query,
        method: operation.method,
        granularity: operation.granularity,
      });
    case 'breakdown':
      return computeBreakdown(timeline, {
        ...query,
        method: operation.method,
        by: operation.by,
        limit: operation.limit,
      });
    case 'cohorts':
      return computeCohorts(timeline, {
        ...query,
        granularity: operation.granularity,
        measure: operation.measure,
        view: operation.view,
      });
    case 'movements':
      return computeMovements(timeline, {
        ...query,
        ...(operation.kinds ? { kinds: [...operation.kinds] } : {}),
      });
    case 'definitionShares':
      return definitionShares(
        { from: window.from, to: window.to, rates, ...(window.segment ? { segment: window.segment } : {}) },
        definitions,
        timeline,
      );
    default:
      return operation satisfies never;
  }
}

/**
 * Spans packed for posting to a worker: numbers in one transferable array, strings once each.
 * Structured-cloning 190,000 span objects costs the sending thread about 0.6 s; packing them, a
 * small fraction of that (the request thread keeps answering meanwhile).
 */
export interface PackedSpans {
  readonly count: number;
  /** Per span: start, end (NaN: open), mrr, canceledAt (NaN: none), attribute set (-1: none). */
  readonly numbers: Float64Array;
  /** Per span: customer id, subscription id and currency, as indices into `strings`. */
  readonly stringIndex: Int32Array;
  /** Every distinct string, joined by NUL (which stored text cannot contain): one string to copy. */
  readonly strings: string;
  /** The distinct attribute sets, as a JSON array. */
  readonly attributeSets: string;
}

/** Packs spans for a worker (see {@link PackedSpans}); {@link unpackSpans} restores them. */
export function packSpans(spans: readonly MrrSpan[]): PackedSpans {
  const numbers = new Float64Array(spans.length * 5);
  const stringIndex = new Int32Array(spans.length * 3);
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const setIds = new Map<Readonly<Record<string, string>>, number>();
  const attributeSets: Readonly<Record<string, string>>[] = [];
  const idOf = (text: string) => {
    let id = stringIds.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      stringIds.set(text, id);
    }
    return id;
  };
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as MrrSpan;
    let set = -1;
    if (span.attributes !== undefined) {
      set = setIds.get(span.attributes) ?? -1;
      if (set === -1) {
        set = attributeSets.length;
        attributeSets.push(span.attributes);
        setIds.set(span.attributes, set);
      }
    }
    numbers[i * 5] = span.start;
    numbers[i * 5 + 1] = span.end ?? Number.NaN;
    numbers[i * 5 + 2] = span.mrr;
    numbers[i * 5 + 3] = span.canceledAt ?? Number.NaN;
    numbers[i * 5 + 4] = set;
    stringIndex[i * 3] = idOf(span.customerId);
    stringIndex[i * 3 + 1] = idOf(span.subscriptionId);
    stringIndex[i * 3 + 2] = idOf(span.currency);
  }
  return {
    count: spans.length,
    numbers,
    stringIndex,
    strings: strings.join('\u0000'),
    attributeSets: JSON.stringify(attributeSets),
  };
}

/** The spans {@link packSpans} packed, field for field. */
export function unpackSpans(packed: PackedSpans): MrrSpan[] {
  const { numbers, stringIndex } = packed;
  const strings = packed.strings.split('\u0000');
  const attributeSets = JSON.parse(packed.attributeSets) as Readonly<Record<string, string>>[];
  const spans = new Array<MrrSpan>(packed.count);
  for (let i = 0; i < packed.count; i++) {
    const end = numbers[i * 5 + 1] as number;
    const span: MrrSpan = {
      customerId: strings[stringIndex[i * 3] as number] as string,
      subscriptionId: strings[stringIndex[i * 3 + 1] as number] as string,
      start: numbers[i * 5] as number,
      end: Number.isNaN(end) ? null : end,
      mrr: numbers[i * 5 + 2] as number,
      currency: strings[stringIndex[i * 3 + 2] as number] as string,
    };
    const canceledAt = numbers[i * 5 + 3] as number;
    if (!Number.isNaN(canceledAt)) (span as { canceledAt?: number }).canceledAt = canceledAt;
    const set = numbers[i * 5 + 4] as number;
    if (set >= 0)
      (span as { attributes?: Readonly<Record<string, string>> }).attributes = attributeSets[set] as Readonly<
        Record<string, string>
      >;
    spans[i] = span;
  }
  return spans;
}
