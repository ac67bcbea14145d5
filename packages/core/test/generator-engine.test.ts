/**
 * Generated data through the engine: what the generator's documentation promises about the
 * business it simulates, checked with the engine's own figures rather than with ad hoc sums.
 */
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  compareToBenchmark,
  computeBreakdown,
  computeRetention,
  createExchangeRates,
  generatedPeriodToSpan,
  generateExchangeRates,
  generatePeriods,
  type RetentionReport,
  SIZE_BAND_DIMENSION,
} from '../src/index.ts';

const options = { seed: 1, customers: 3_000, months: 36 };
const timeline = buildTimeline(Array.from(generatePeriods(options), generatedPeriodToSpan));
const rates = createExchangeRates('USD', generateExchangeRates(options));
const year2025 = { from: Date.UTC(2025, 0, 1), to: Date.UTC(2026, 0, 1), rates };

function balances(report: RetentionReport): boolean {
  const { startingMrr, newBusiness, reactivation, expansion, contraction, churn, endingMrr } = report;
  return startingMrr + newBusiness + reactivation + expansion - contraction - churn === endingMrr;
}

describe('generated data through the engine', () => {
  const report = computeRetention(timeline, year2025);

  it('balances the bridge and has every kind of movement', () => {
    expect(balances(report)).toBe(true);
    for (const amount of [
      report.newBusiness,
      report.reactivation,
      report.expansion,
      report.contraction,
      report.churn,
    ]) {
      expect(amount).toBeGreaterThan(0);
    }
    // Two currencies with drifting rates: constant-currency figures report the drift apart.
    expect(report.fxImpact).not.toBe(0);
  });

  it('looks like a healthy B2B SaaS year: NRR near the B2B baseline, GRR below it', () => {
    expect(report.nrr).toBeGreaterThan(1.0);
    expect(report.nrr).toBeLessThan(1.2);
    expect(report.grr).toBeGreaterThan(0.8);
    expect(report.grr).toBeLessThan(0.95);
    expect(report.logoRetention).toBeGreaterThan(0.65);
    expect(report.logoRetention).toBeLessThan(0.85);
    expect(compareToBenchmark(report.nrr, 'b2b-saas').position).toBe('WITHIN');
  });

  it('retains revenue better the larger the customer, SMB inside its published range', () => {
    const breakdown = computeBreakdown(timeline, { ...year2025, by: SIZE_BAND_DIMENSION });
    const nrr = Object.fromEntries(breakdown.segments.map((s) => [s.value, s.report.nrr ?? Number.NaN]));
    expect(nrr.SMB).toBeLessThan(nrr.MID_MARKET ?? 0);
    expect(nrr.MID_MARKET).toBeLessThan(nrr.ENTERPRISE ?? 0);
    expect(compareToBenchmark(nrr.SMB ?? null, 'smb-saas').position).toBe('WITHIN');
    expect(compareToBenchmark(nrr.MID_MARKET ?? null, 'mid-market-saas').position).toBe('WITHIN');
    for (const segment of breakdown.segments) expect(balances(segment.report)).toBe(true);
  });
});
