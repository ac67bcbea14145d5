import { formatPercent, formatPercentagePoints } from '../internal/formatters.ts';
import type { BenchmarkComparisonResult, BenchmarkResult } from '../types.ts';

/** `90.0%–110.0%`, `120.0% and above`, `up to 100.0%`. */
export function benchmarkRange(benchmark: BenchmarkResult, locale: string): string {
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  if (benchmark.low === null) return `up to ${percent(benchmark.high)}`;
  if (benchmark.high === null) return `${percent(benchmark.low)} and above`;
  return `${percent(benchmark.low)}–${percent(benchmark.high)}`;
}

/** `Within Mid-market SaaS (90.0%–110.0%)`, `15.0 pts below …`, `2.5 pts above …`. */
export function benchmarkSentence(entry: BenchmarkComparisonResult, locale: string): string {
  const { benchmark, position } = entry;
  const points = formatPercentagePoints(entry.pointsFromRange, { locale, signDisplay: 'never' });
  const where =
    position === 'WITHIN'
      ? 'Within'
      : position === 'UNKNOWN'
        ? 'No figure to compare with'
        : `${points} ${position === 'ABOVE' ? 'above' : 'below'}`;
  const tier = entry.tier ? `, ${entry.tier}` : '';
  return `${where} ${benchmark.segment} (${benchmarkRange(benchmark, locale)}${tier})`;
}
