import { formatPercent, formatPercentagePoints } from '../internal/formatters.ts';
import type { BenchmarkComparisonResult, BenchmarkResult } from '../types.ts';

/** `90.0%–110.0%`, `120.0% and above`, `up to 100.0%`. */
export function benchmarkRange(benchmark: BenchmarkResult, locale: string): string {
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  if (benchmark.low === null) return `up to ${percent(benchmark.high)}`;
  if (benchmark.high === null) return `${percent(benchmark.low)} and above`;
  return `${percent(benchmark.low)}–${percent(benchmark.high)}`;
}

/**
 * `Within Mid-market SaaS (90.0%–110.0%)`, `15.0 pts below …`, `2.5 pts above …`. A distance that
 * rounds to 0.0 points reads `At the bottom of …` (`At the top of …`): the figure shows as the
 * range's bound, so "0.0 pts below" would contradict the numbers on screen.
 */
export function benchmarkSentence(entry: BenchmarkComparisonResult, locale: string): string {
  const { benchmark, position } = entry;
  const points = formatPercentagePoints(entry.pointsFromRange, { locale, signDisplay: 'never' });
  const atBound = Math.round(Math.abs(entry.pointsFromRange) * 10 + 1e-9) === 0;
  const where = (() => {
    switch (position) {
      case 'WITHIN':
        return 'Within';
      case 'UNKNOWN':
        return 'No figure to compare with';
      case 'ABOVE':
        return atBound ? 'At the top of' : `${points} above`;
      case 'BELOW':
        return atBound ? 'At the bottom of' : `${points} below`;
      default:
        return position satisfies never;
    }
  })();
  const tier = entry.tier ? `, ${entry.tier}` : '';
  return `${where} ${benchmark.segment} (${benchmarkRange(benchmark, locale)}${tier})`;
}
