import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeBreakdown,
  computeMovements,
  computeRetention,
  computeRetentionSeries,
  createExchangeRates,
  type MrrBridge,
  type MrrSpan,
  MS_PER_DAY,
  movementLedger,
  type RetentionReport,
} from '../src/index.ts';
import { day } from './support/spans.ts';

const origin = day('2023-01-01');

const spanArbitrary = (currencies: readonly string[]) =>
  fc
    .record({
      customer: fc.integer({ min: 0, max: 7 }),
      subscription: fc.integer({ min: 0, max: 2 }),
      startDay: fc.integer({ min: 0, max: 730 }),
      // Durations in hours, so that some changes fall inside the 60-minute coalescing window.
      hours: fc.option(fc.integer({ min: 1, max: 24 * 400 }), { nil: null }),
      mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200_000_000 })),
      currency: fc.constantFrom(...currencies),
      plan: fc.constantFrom('Starter', 'Pro', 'Enterprise'),
      country: fc.constantFrom('US', 'DE', 'AU'),
    })
    .map(
      (s): MrrSpan => ({
        customerId: `c${s.customer}`,
        subscriptionId: `c${s.customer}-s${s.subscription}`,
        start: origin + s.startDay * MS_PER_DAY,
        end: s.hours === null ? null : origin + s.startDay * MS_PER_DAY + s.hours * 3_600_000,
        mrr: s.mrr,
        currency: s.currency,
        attributes: { plan: s.plan, country: s.country },
      }),
    );

const periodArbitrary = fc
  .record({ startDay: fc.integer({ min: 0, max: 800 }), days: fc.integer({ min: 1, max: 400 }) })
  .map(({ startDay, days }) => ({
    from: origin + startDay * MS_PER_DAY,
    to: origin + (startDay + days) * MS_PER_DAY,
  }));

const bridgeEnd = (b: MrrBridge) =>
  b.startingMrr + b.newBusiness + b.reactivation + b.expansion - b.contraction - b.churn;

function expectLaws(report: RetentionReport): void {
  expect(bridgeEnd(report)).toBe(report.endingMrr);
  for (const amount of [
    report.newBusiness,
    report.reactivation,
    report.expansion,
    report.contraction,
    report.churn,
  ]) {
    expect(amount).toBeGreaterThanOrEqual(0);
  }
  if (report.warnings.some((w) => w.code === 'WINDOW_AFTER_DATA')) {
    // Nothing is measured in a period after the data: no ratio at all, whatever the bridge shows.
    for (const ratio of [report.nrr, report.grr, report.logoRetention, report.quickRatio])
      expect(ratio).toBeNull();
    return;
  }
  if (report.startingMrr === 0) {
    expect(report.nrr).toBeNull();
    expect(report.grr).toBeNull();
    expect(report.logoRetention).toBeNull();
    expect(report.warnings.map((w) => w.code)).toContain('EMPTY_COHORT');
    return;
  }
  const otherForm =
    (report.startingMrr + report.expansion - report.contraction - report.churn) / report.startingMrr;
  expect(report.nrr).toBe(otherForm);
  expect(report.grr).toBe((report.startingMrr - report.contraction - report.churn) / report.startingMrr);
  expect(report.grr).toBeGreaterThanOrEqual(0);
  expect(report.grr).toBeLessThanOrEqual(1);
  expect(report.grr).toBeLessThanOrEqual(report.nrr as number);
  expect(report.logoRetention).toBeGreaterThanOrEqual(0);
  expect(report.logoRetention).toBeLessThanOrEqual(1);
}

const bridgeOf = (r: MrrBridge) => ({
  startingMrr: r.startingMrr,
  newBusiness: r.newBusiness,
  reactivation: r.reactivation,
  expansion: r.expansion,
  contraction: r.contraction,
  churn: r.churn,
  endingMrr: r.endingMrr,
});

const sumBridges = (bridges: MrrBridge[]) =>
  bridges.reduce(
    (a, b) => ({
      startingMrr: a.startingMrr + b.startingMrr,
      newBusiness: a.newBusiness + b.newBusiness,
      reactivation: a.reactivation + b.reactivation,
      expansion: a.expansion + b.expansion,
      contraction: a.contraction + b.contraction,
      churn: a.churn + b.churn,
      endingMrr: a.endingMrr + b.endingMrr,
    }),
    { startingMrr: 0, newBusiness: 0, reactivation: 0, expansion: 0, contraction: 0, churn: 0, endingMrr: 0 },
  );

const runs = { numRuns: 300 };

describe('laws of the bridge and the ratios, on generated data', () => {
  it('the bridge balances and both NRR forms agree, 0 ≤ GRR ≤ 1, GRR ≤ NRR, for every period and segment', () => {
    fc.assert(
      fc.property(
        fc.array(spanArbitrary(['USD']), { maxLength: 30 }),
        periodArbitrary,
        fc.constantFrom(undefined, ['Starter'], ['Pro', 'Enterprise']),
        fc.constantFrom(undefined, null, 30, 90),
        (spans, period, plans, reactivationWindowDays) => {
          const timeline = buildTimeline(spans);
          const segment = plans ? { attributes: [{ name: 'plan', values: plans }] } : undefined;
          for (const method of ['PERIOD', 'TRAILING_12M'] as const) {
            const report = computeRetention(timeline, {
              ...period,
              method,
              ...(segment ? { segment } : {}),
              reactivationWindowDays,
            });
            expectLaws(report);
            // WINDOW_AFTER_DATA exactly when the period starts after the data ends.
            expect(report.warnings.some((w) => w.code === 'WINDOW_AFTER_DATA')).toBe(
              report.from > timeline.asOf,
            );
          }
        },
      ),
      runs,
    );
  });

  it('breakdown bridges sum to the total bridge, by attribute and by size band', () => {
    fc.assert(
      fc.property(
        fc.array(spanArbitrary(['USD']), { maxLength: 30 }),
        periodArbitrary,
        fc.constantFrom('plan', 'country', 'size_band', 'industry'),
        fc.constantFrom('PERIOD' as const, 'CHAINED' as const),
        (spans, period, by, method) => {
          const breakdown = computeBreakdown(buildTimeline(spans), { ...period, by, method });
          expect(sumBridges(breakdown.segments.map((s) => s.report))).toEqual(bridgeOf(breakdown.total));
          for (const segment of breakdown.segments)
            expect(bridgeEnd(segment.report)).toBe(segment.report.endingMrr);
        },
      ),
      runs,
    );
  });

  it('a breakdown with a limit reports the largest values as without it, the rest rolled up into one', () => {
    fc.assert(
      fc.property(
        fc.array(spanArbitrary(['USD']), { maxLength: 30 }),
        periodArbitrary,
        fc.constantFrom('plan', 'country', 'size_band', 'industry'),
        fc.constantFrom('PERIOD' as const, 'CHAINED' as const, 'TRAILING_12M' as const),
        fc.integer({ min: 1, max: 4 }),
        (spans, period, by, method, limit) => {
          const timeline = buildTimeline(spans);
          const whole = computeBreakdown(timeline, { ...period, by, method });
          const limited = computeBreakdown(timeline, { ...period, by, method, limit });
          expect(limited.total).toEqual(whole.total);
          expect(limited.segments).toEqual(whole.segments.slice(0, limit));
          const left = whole.segments.length - limit;
          expect(limited.rest?.values).toBe(left > 0 ? left : undefined);
          const reports = [...limited.segments, ...(limited.rest ? [limited.rest] : [])].map((s) => s.report);
          expect(sumBridges(reports)).toEqual(bridgeOf(limited.total));
          if (limited.rest) expect(bridgeEnd(limited.rest.report)).toBe(limited.rest.report.endingMrr);
        },
      ),
      runs,
    );
  });

  it('results do not depend on the order of input rows', () => {
    fc.assert(
      fc.property(
        fc
          .array(spanArbitrary(['USD']), { maxLength: 25 })
          .chain((spans) =>
            fc.tuple(
              fc.constant(spans),
              fc.shuffledSubarray(spans, { minLength: spans.length, maxLength: spans.length }),
            ),
          ),
        periodArbitrary,
        ([spans, shuffled], period) => {
          const a = computeRetention(buildTimeline(spans), period);
          const b = computeRetention(buildTimeline(shuffled), period);
          expect(b).toEqual(a);
        },
      ),
      runs,
    );
  });

  it('per-customer movements sum to the bridge and the ledger nets to each customer’s change', () => {
    fc.assert(
      fc.property(fc.array(spanArbitrary(['USD']), { maxLength: 30 }), periodArbitrary, (spans, period) => {
        const timeline = buildTimeline(spans);
        const report = computeRetention(timeline, period);
        const movements = computeMovements(timeline, period);
        const total = (kind: string) =>
          movements.filter((m) => m.kind === kind).reduce((a, m) => a + m.amount, 0);
        expect(total('NEW')).toBe(report.newBusiness);
        expect(total('REACTIVATION')).toBe(report.reactivation);
        expect(total('EXPANSION')).toBe(report.expansion);
        expect(total('CONTRACTION')).toBe(report.contraction);
        expect(total('CHURN')).toBe(report.churn);
        const ledger = movementLedger(timeline, period);
        for (const movement of movements) {
          const net = ledger
            .filter((entry) => entry.entityId === movement.entityId)
            .reduce((a, entry) => a + entry.mrrAfter - entry.mrrBefore, 0);
          expect(net).toBe(movement.endingMrr - movement.startingMrr);
        }
      }),
      runs,
    );
  });

  it('monthly series chain: each month ends where the next starts, and CHAINED spans the same bridge', () => {
    fc.assert(
      fc.property(
        fc.array(spanArbitrary(['USD']), { maxLength: 30 }),
        fc.integer({ min: 0, max: 20 }),
        (spans, m) => {
          const timeline = buildTimeline(spans);
          const from = day(`${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`);
          const to = new Date(from);
          to.setUTCMonth(to.getUTCMonth() + 6);
          const series = computeRetentionSeries(timeline, { from, to: to.getTime(), granularity: 'MONTH' });
          expect(series).toHaveLength(6);
          for (let k = 1; k < series.length; k++) {
            expect(series[k]?.startingMrr).toBe(series[k - 1]?.endingMrr);
          }
          const chained = computeRetention(timeline, { from, to: to.getTime(), method: 'CHAINED' });
          const period = computeRetention(timeline, { from, to: to.getTime() });
          expect(chained.method).toBe('CHAINED');
          expect(chained.startingMrr).toBe(period.startingMrr);
          expect(chained.endingMrr).toBe(period.endingMrr);
          expect(bridgeEnd(chained)).toBe(chained.endingMrr);
          // A month after the data reports no ratio; the chain still multiplies what its bridge implies.
          const monthNrr = (r: RetentionReport) =>
            r.warnings.some((w) => w.code === 'WINDOW_AFTER_DATA')
              ? r.startingMrr > 0
                ? (r.startingMrr + r.expansion - r.contraction - r.churn) / r.startingMrr
                : null
              : r.nrr;
          const product = series.reduce<number | null>((p, r) => {
            const nrr = monthNrr(r);
            return p === null || nrr === null ? null : p * nrr;
          }, 1);
          if (product === null || chained.from > timeline.asOf) expect(chained.nrr).toBeNull();
          else expect(chained.nrr).toBeCloseTo(product, 12);
        },
      ),
      runs,
    );
  });

  it('with several currencies in constant currency, the bridge still balances and FX drift stays out of it', () => {
    const rates = createExchangeRates('USD', [
      { currency: 'EUR', effective: day('2022-01-01'), rate: 1.1 },
      { currency: 'EUR', effective: day('2024-01-01'), rate: 1.25 },
      { currency: 'GBP', effective: day('2022-01-01'), rate: 1.3 },
    ]);
    fc.assert(
      fc.property(
        fc.array(spanArbitrary(['USD', 'EUR', 'GBP']), { maxLength: 30 }),
        periodArbitrary,
        (spans, period) => {
          const report = computeRetention(buildTimeline(spans), { ...period, rates });
          expect(report.currency).toBe('USD');
          expectLaws(report);
        },
      ),
      runs,
    );
  });
});
