import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeRetention,
  computeRetentionSeries,
  retentionWarnings,
  unitsFromNumber,
  type WarningInput,
} from '../src/index.ts';
import { customerOverYear, day, span } from './support/spans.ts';

const healthy: WarningInput = {
  nrr: 1.02,
  grr: 0.95,
  cohortSize: 50,
  startingMrr: 1_000,
  expansion: 100,
  topStarting: [100, 90, 80],
  topExpansion: [20, 10, 5],
  from: day('2023-01-01'),
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
    [{ from: day('2024-06-02'), to: day('2025-06-01') }, 'WINDOW_AFTER_DATA'],
    [{ from: day('2024-09-01'), to: day('2025-09-01') }, 'WINDOW_AFTER_DATA'],
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

  it('reports no ratios for a period wholly after the data, never a clean 100%', () => {
    // Two open subscriptions; the data ends at the last change, 2024-03-01.
    const spans = [span('a', '2024-01-01', null, 100), span('b', '2024-03-01', null, 50)];
    const timeline = buildTimeline(spans);
    const after = computeRetention(timeline, { from: day('2025-01-01'), to: day('2026-01-01') });
    expect(after.warnings.map((w) => w.code)).toEqual([
      'SMALL_SAMPLE',
      'CONCENTRATED_REVENUE',
      'WINDOW_AFTER_DATA',
    ]);
    expect(after.warnings.at(-1)?.message).toBe(
      'The period starts on 2025-01-01, when the data has already ended (2024-03-01): nothing is known about it, so its ratios are not reported; pick a period that ends by 2024-03-01, or import later data.',
    );
    expect({
      nrr: after.nrr,
      grr: after.grr,
      logoRetention: after.logoRetention,
      netMrrChurnRate: after.netMrrChurnRate,
      grossMrrChurnRate: after.grossMrrChurnRate,
      quickRatio: after.quickRatio,
    }).toEqual({
      nrr: null,
      grr: null,
      logoRetention: null,
      netMrrChurnRate: null,
      grossMrrChurnRate: null,
      quickRatio: null,
    });
    // The bridge still shows the last known MRR and still balances.
    expect(after.startingMrr).toBe(unitsFromNumber(150));
    expect(after.endingMrr).toBe(unitsFromNumber(150));
    // A period that starts before the data ends is measured (immature, with its ratios).
    const straddling = computeRetention(timeline, { from: day('2024-02-01'), to: day('2025-02-01') });
    expect(straddling.nrr).toBe(1);
    expect(straddling.warnings.map((w) => w.code)).toContain('IMMATURE_WINDOW');
    expect(straddling.warnings.map((w) => w.code)).not.toContain('WINDOW_AFTER_DATA');
  });

  it('leaves the months of a series after the data without ratios, under every method', () => {
    const timeline = buildTimeline([span('a', '2024-01-01', null, 100), span('b', '2024-03-01', null, 50)]);
    for (const method of ['PERIOD', 'TRAILING_12M', 'CHAINED'] as const) {
      const series = computeRetentionSeries(timeline, {
        from: day('2024-02-01'),
        to: day('2025-06-01'),
        granularity: 'MONTH',
        method,
      });
      const afterData = series.filter((report) => report.from > timeline.asOf);
      expect(afterData.length, method).toBeGreaterThan(0);
      for (const report of afterData) {
        expect(report.nrr, method).toBeNull();
        expect(
          report.warnings.map((w) => w.code),
          method,
        ).toContain('WINDOW_AFTER_DATA');
      }
      // Points that start before the data ends, with customers, keep their ratios.
      const measured = series.filter(
        (report) => report.from <= timeline.asOf && report.customers.starting > 0,
      );
      expect(measured.length, method).toBeGreaterThan(0);
      expect(
        measured.every((report) => report.nrr !== null),
        method,
      ).toBe(true);
    }
  });
});
