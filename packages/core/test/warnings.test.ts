import { describe, expect, it } from 'vitest';
import { buildTimeline, computeRetention, retentionWarnings, type WarningInput } from '../src/index.ts';
import { customerOverYear, day } from './support/spans.ts';

const healthy: WarningInput = {
  nrr: 1.02,
  grr: 0.95,
  cohortSize: 50,
  startingMrr: 1_000,
  expansion: 100,
  topStarting: [100, 90, 80],
  topExpansion: [20, 10, 5],
  to: day('2024-01-01'),
  asOf: day('2024-06-01'),
};
const codes = (input: Partial<WarningInput>) =>
  retentionWarnings({ ...healthy, ...input }).map((w) => w.code);

describe('warnings', () => {
  it('raises nothing for a healthy, large, mature sample', () => {
    expect(codes({})).toEqual([]);
  });

  it.each([
    [{ nrr: 1.0, grr: 0.89 }, 'EXPANSION_MASKS_CHURN'],
    [{ topExpansion: [30, 15, 10] }, 'CONCENTRATED_EXPANSION'],
    [{ topStarting: [300, 150, 60] }, 'CONCENTRATED_REVENUE'],
    [{ cohortSize: 9 }, 'SMALL_SAMPLE'],
    [{ cohortSize: 0, nrr: null, grr: null }, 'EMPTY_COHORT'],
    [{ to: day('2024-07-01') }, 'IMMATURE_WINDOW'],
  ] as const)('%o raises %s', (input, code) => {
    expect(codes(input)).toEqual([code]);
  });

  it('does not raise on the thresholds themselves', () => {
    expect(codes({ nrr: 0.99, grr: 0.5 })).toEqual([]);
    expect(codes({ nrr: 1.0, grr: 0.9 })).toEqual([]);
    expect(codes({ cohortSize: 10 })).toEqual([]);
    expect(codes({ topExpansion: [25, 15, 10] })).toEqual([]);
    expect(codes({ to: day('2024-06-01') })).toEqual([]);
  });

  it('says what was found and what to do', () => {
    const [masked] = retentionWarnings({ ...healthy, nrr: 1.05, grr: 0.85 });
    expect(masked?.message).toBe(
      'NRR is 105.0% but GRR is only 85.0%: expansion from remaining customers hides churn and contraction; look at the churned and contracted customers.',
    );
  });

  it('reaches reports: a period ending after the data is immature', () => {
    const spans = [...customerOverYear('a', 100, 200), ...customerOverYear('b', 100, 0)];
    const report = computeRetention(buildTimeline(spans), { from: day('2024-01-01'), to: day('2025-01-01') });
    expect(report.warnings.map((w) => w.code)).toEqual([
      'SMALL_SAMPLE',
      'EXPANSION_MASKS_CHURN',
      'CONCENTRATED_EXPANSION',
      'CONCENTRATED_REVENUE',
      'IMMATURE_WINDOW',
    ]);
  });
});
