/**
 * Published retention benchmarks (retention semantics §8) as data, and where a figure falls
 * against them. Every range is an annual figure: compare it with a 12-month `PERIOD` or a
 * `TRAILING_12M` NRR, never with a monthly one.
 *
 * GRR: the documents this project started from publish no GRR range, only the rule that GRR can
 * never exceed 100% ({@link GRR_CEILING}). So {@link BENCHMARKS} holds NRR entries only; the
 * `GRR` metric exists for callers who bring their own sourced entries, and
 * {@link compareToBenchmark} enforces the ceiling on them.
 */
import { EngineError } from './engine-error.ts';
import type { SizeBand } from './segments.ts';

/** Which retention figure a benchmark describes. */
export type BenchmarkMetric = 'NRR' | 'GRR';

/** GRR counts no expansion, so it can never exceed 1 (100%). */
export const GRR_CEILING = 1;

/** A named sub-range of a benchmark ("good", "best"). Bounds are inclusive ratios. */
export interface BenchmarkTier {
  /** As published: `baseline`, `good`, `best`, `healthy`, … */
  readonly label: string;
  /** Lowest ratio of the tier (1.05 = 105%); inclusive. */
  readonly low: number;
  /** Highest ratio, inclusive; `null` when published open-ended ("130%+"). */
  readonly high: number | null;
}

/** Where a published figure comes from. */
export interface BenchmarkSource {
  /** Title of the document, as published. */
  readonly title: string;
  /** Who published it, when the document says so. */
  readonly publisher?: string;
}

/** One published range for a segment. */
export interface Benchmark {
  /** Stable identifier (`smb-saas`); never changes once published. */
  readonly key: string;
  /** Human-readable segment label, as in the source table. */
  readonly segment: string;
  /** The figure the range describes: annual NRR for every published entry. */
  readonly metric: BenchmarkMetric;
  /** Lowest ratio of the range (0.8 = 80%), inclusive; `null` when the source gives no floor. */
  readonly low: number | null;
  /** Highest ratio, inclusive; `null` for an open-ended range ("120% and above"). */
  readonly high: number | null;
  /** Named sub-ranges, lowest first, when the source grades the range. */
  readonly tiers?: readonly BenchmarkTier[];
  /** The document the range is taken from. */
  readonly source: BenchmarkSource;
  /** Size band the range describes, if it is specific to one (used by {@link benchmarksFor}). */
  readonly sizeBand?: SizeBand;
  /** Industry the range describes, if specific: `fintech`, `ecommerce`, `devtools`, `marketing`. */
  readonly industry?: string;
}

const GUIDE: BenchmarkSource = { title: 'A Complete Guide to Net Revenue Retention for Business Growth' };

/**
 * Every row of the benchmark table in retention semantics §8, in its order, then the general
 * tiers. `b2b-saas` is the whole range from the 100% baseline up (its tiers grade it: the
 * baseline is read as "100% or more", "best" as published, "120%–140%+", is open-ended);
 * `general` spans the guide's tiers from 80% up, with a gap between 90% and 100% that no tier
 * names.
 */
export const BENCHMARKS: readonly Benchmark[] = [
  {
    key: 'smb-saas',
    segment: 'SMB SaaS',
    metric: 'NRR',
    low: 0.8,
    high: 1.0,
    source: GUIDE,
    sizeBand: 'SMB',
  },
  {
    key: 'smb-marketing-saas',
    segment: 'SMB marketing SaaS',
    metric: 'NRR',
    low: 0.9,
    high: 1.05,
    source: { title: 'What Is Net Revenue Retention (NRR) and How to Improve It', publisher: 'Fostio' },
    sizeBand: 'SMB',
    industry: 'marketing',
  },
  {
    key: 'mid-market-saas',
    segment: 'Mid-market SaaS',
    metric: 'NRR',
    low: 0.9,
    high: 1.1,
    source: GUIDE,
    sizeBand: 'MID_MARKET',
  },
  {
    key: 'enterprise-saas',
    segment: 'Enterprise SaaS',
    metric: 'NRR',
    low: 1.2,
    high: 1.35,
    source: GUIDE,
    sizeBand: 'ENTERPRISE',
  },
  {
    key: 'fintech-payments',
    segment: 'Fintech and payments',
    metric: 'NRR',
    low: 1.05,
    high: 1.25,
    source: GUIDE,
    industry: 'fintech',
  },
  {
    key: 'ecommerce-enablement',
    segment: 'E-commerce enablement',
    metric: 'NRR',
    low: 0.9,
    high: 1.1,
    source: GUIDE,
    industry: 'ecommerce',
  },
  {
    key: 'infrastructure-dev-tools',
    segment: 'Infrastructure / dev tools',
    metric: 'NRR',
    low: 1.2,
    high: null,
    source: GUIDE,
    industry: 'devtools',
  },
  {
    key: 'b2b-saas',
    segment: 'B2B SaaS overall',
    metric: 'NRR',
    low: 1.0,
    high: null,
    tiers: [
      { label: 'baseline', low: 1.0, high: null },
      { label: 'good', low: 1.05, high: 1.15 },
      { label: 'best', low: 1.2, high: null },
    ],
    source: { title: 'Net Revenue Retention (NRR)', publisher: 'Sequenzy' },
  },
  {
    key: 'general',
    segment: 'SaaS, general tiers',
    metric: 'NRR',
    low: 0.8,
    high: null,
    tiers: [
      { label: 'SMB with high churn', low: 0.8, high: 0.9 },
      { label: 'healthy', low: 1.0, high: 1.1 },
      { label: 'strong', low: 1.1, high: 1.3 },
      { label: 'industry-leading', low: 1.3, high: null },
    ],
    source: GUIDE,
  },
];

/** Where a figure falls against a benchmark's range. */
export type BenchmarkPosition = 'BELOW' | 'WITHIN' | 'ABOVE' | 'UNKNOWN';

/** The result of {@link compareToBenchmark}. */
export interface BenchmarkComparison {
  /** The entry compared with (resolved from its key when a key was given). */
  readonly benchmark: Benchmark;
  /** The ratio compared (1.05 = 105%), or `null` when there was none. */
  readonly figure: number | null;
  /** `UNKNOWN` when the figure is `null` or not finite. */
  readonly position: BenchmarkPosition;
  /**
   * Distance to the range in percentage points, never negative: how far below `low` (BELOW) or
   * above `high` (ABOVE); 0 when WITHIN or UNKNOWN. Rounded to 1/10,000 of a point.
   */
  readonly pointsFromRange: number;
  /** Label of the tier the figure falls in, if the benchmark has tiers and one contains it. */
  readonly tier?: string;
}

// Ratios are compared at 1/10,000 of a percentage point, so 0.1 + 0.7 counts as 80% exactly
// and the position never disagrees with the rounded distance.
const SCALE = 1_000_000;
const quantise = (ratio: number): number => Math.round(ratio * SCALE);

/** The benchmark with this key, or `undefined`. */
export function benchmarkByKey(key: string): Benchmark | undefined {
  return BENCHMARKS.find((benchmark) => benchmark.key === key);
}

function containing(tiers: readonly BenchmarkTier[], figure: number): BenchmarkTier | undefined {
  let found: BenchmarkTier | undefined;
  for (const tier of tiers) {
    const inside = figure >= quantise(tier.low) && (tier.high === null || figure <= quantise(tier.high));
    // At a shared boundary (110% is both "healthy" and "strong") the higher tier wins.
    if (inside && (!found || tier.low >= found.low)) found = tier;
  }
  return found;
}

/**
 * Where `figure` (a ratio, 1.05 = 105%) falls against a benchmark or the key of one in
 * {@link BENCHMARKS}: `BELOW` the range's low, `WITHIN` it (bounds inclusive), or `ABOVE` its high
 * (never, for an open-ended range), with the distance in percentage points. When the benchmark has
 * tiers, `tier` is the label of the tier containing the figure (the higher one at a shared
 * boundary, none in a gap between tiers).
 *
 * Examples: 0.95 vs `smb-saas` (80–100%) → WITHIN, 0 points; 0.75 → BELOW by 5; 1.4 vs
 * `enterprise-saas` (120–135%) → ABOVE by 5; `null` → UNKNOWN.
 *
 * Throws an `EngineError` (`INVALID_OPTION`) for an unknown key, and for a GRR figure above 100%
 * (GRR cannot exceed it).
 */
export function compareToBenchmark(
  figure: number | null,
  benchmark: Benchmark | string,
): BenchmarkComparison {
  const entry = typeof benchmark === 'string' ? benchmarkByKey(benchmark) : benchmark;
  if (!entry) {
    const known = BENCHMARKS.map((b) => b.key).join(', ');
    throw new EngineError(
      'INVALID_OPTION',
      `unknown benchmark ${JSON.stringify(benchmark)}; expected one of ${known}`,
    );
  }
  if (figure === null || !Number.isFinite(figure)) {
    return { benchmark: entry, figure, position: 'UNKNOWN', pointsFromRange: 0 };
  }
  if (entry.metric === 'GRR' && quantise(figure) > quantise(GRR_CEILING)) {
    throw new EngineError(
      'INVALID_OPTION',
      `a GRR figure cannot exceed ${GRR_CEILING} (100%), got ${figure}`,
    );
  }
  const value = quantise(figure);
  const low = entry.low === null ? null : quantise(entry.low);
  const high = entry.high === null ? null : quantise(entry.high);
  const tier = entry.tiers ? containing(entry.tiers, value) : undefined;
  const base = { benchmark: entry, figure, ...(tier ? { tier: tier.label } : {}) };
  // One ratio unit in SCALE is 1/10,000 of a point: divide by 10,000 to get points.
  if (low !== null && value < low)
    return { ...base, position: 'BELOW', pointsFromRange: (low - value) / 10_000 };
  if (high !== null && value > high)
    return { ...base, position: 'ABOVE', pointsFromRange: (value - high) / 10_000 };
  return { ...base, position: 'WITHIN', pointsFromRange: 0 };
}

/** A segment to find benchmarks for: its size band and industry, either or both. */
export interface BenchmarkQuery {
  readonly sizeBand?: SizeBand;
  /** Free text; matched on keywords (`Fintech`, `payments`, `e-commerce`, `developer tools`, …). */
  readonly industry?: string;
}

const INDUSTRY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  fintech: ['fintech', 'payment', 'financ', 'banking', 'insurtech'],
  ecommerce: ['ecommerce', 'commerce', 'retail', 'shop'],
  devtools: ['devtools', 'developer', 'devops', 'infrastructure', 'infra', 'cloud', 'database'],
  marketing: ['marketing', 'adtech', 'advertising', 'martech'],
};

const SIZE_KEYWORDS: Readonly<Record<SizeBand, readonly string[]>> = {
  SMB: ['smb', 'small'],
  MID_MARKET: ['midmarket', 'mid'],
  ENTERPRISE: ['enterprise'],
};

const squash = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** The canonical industry (`fintech`, `ecommerce`, `devtools`, `marketing`) a text names, if any. */
function industryOf(text: string): string | undefined {
  const words = squash(text);
  return Object.keys(INDUSTRY_KEYWORDS).find((industry) =>
    (INDUSTRY_KEYWORDS[industry] ?? []).some((keyword) => words.includes(keyword)),
  );
}

function sizeBandOf(text: string): SizeBand | undefined {
  const tokens = text.toLowerCase().split(/[^a-z0-9]+/);
  const words = squash(text);
  if (words.includes('midmarket')) return 'MID_MARKET';
  return (Object.keys(SIZE_KEYWORDS) as SizeBand[]).find((band) =>
    SIZE_KEYWORDS[band].some((keyword) => tokens.includes(keyword)),
  );
}

/**
 * The benchmarks that fit a segment, most specific first, always ending with the `b2b-saas` and
 * `general` entries as fallbacks:
 *
 * - no argument: every entry of {@link BENCHMARKS};
 * - a key (`enterprise-saas`) or a segment label (`SMB SaaS`, case-insensitive): that entry alone;
 * - other text (`"SMB marketing"`, `"fintech"`) or a {@link BenchmarkQuery}: the entries whose
 *   size band and industry agree with every dimension given, those matching both first. An entry
 *   specific to a dimension the query does not give is kept (the only marketing range is an SMB
 *   one); one that contradicts it is not (no SMB range for an enterprise fintech).
 */
export function benchmarksFor(segment?: string | BenchmarkQuery): readonly Benchmark[] {
  if (segment === undefined) return BENCHMARKS;
  let query: BenchmarkQuery;
  if (typeof segment === 'string') {
    const exact = BENCHMARKS.find(
      (b) => b.key === segment.trim() || b.segment.toLowerCase() === segment.trim().toLowerCase(),
    );
    if (exact) return [exact];
    const sizeBand = sizeBandOf(segment);
    const industry = industryOf(segment);
    query = { ...(sizeBand ? { sizeBand } : {}), ...(industry ? { industry } : {}) };
  } else {
    query = segment;
  }
  const industry = query.industry === undefined ? undefined : industryOf(query.industry);
  const scored: { benchmark: Benchmark; score: number }[] = [];
  for (const benchmark of BENCHMARKS) {
    if (benchmark.sizeBand === undefined && benchmark.industry === undefined) continue;
    const sizeFits =
      benchmark.sizeBand === undefined ||
      query.sizeBand === undefined ||
      benchmark.sizeBand === query.sizeBand;
    const industryFits =
      benchmark.industry === undefined || query.industry === undefined || benchmark.industry === industry;
    const score =
      (query.sizeBand !== undefined && benchmark.sizeBand === query.sizeBand ? 1 : 0) +
      (industry !== undefined && benchmark.industry === industry ? 1 : 0);
    if (sizeFits && industryFits && score > 0) scored.push({ benchmark, score });
  }
  // A stable sort keeps the table's order among entries that fit equally well.
  scored.sort((a, b) => b.score - a.score);
  const fallbacks = BENCHMARKS.filter((b) => b.sizeBand === undefined && b.industry === undefined);
  return [...scored.map((s) => s.benchmark), ...fallbacks];
}
