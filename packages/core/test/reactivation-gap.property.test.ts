import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTimeline, type EntityTimeline, MS_PER_DAY } from '../src/index.ts';
import { reactivationGap } from '../src/internal/period-engine.ts';

const day = (n: number) => Date.UTC(2024, 0, 1) + n * MS_PER_DAY;

/** One currency's changes: ascending days (a day may repeat), each MRR 0 or positive. */
const lane = fc
  .array(fc.record({ step: fc.nat(20), mrr: fc.constantFrom(0, 0, 10_000, 250_000) }), { maxLength: 16 })
  .map((changes) => {
    let at = 0;
    return changes.map(({ step, mrr }) => {
      at += step;
      return { at: day(at), mrr };
    });
  });

describe('reactivationGap', () => {
  it('is the same for a one-currency entity as for that entity with a second currency at 0', () => {
    fc.assert(
      fc.property(lane, fc.nat(200), fc.integer({ min: 1, max: 120 }), (changes, from, length) => {
        const usd = { currency: 'USD', at: changes.map((c) => c.at), mrr: changes.map((c) => c.mrr) };
        const single: EntityTimeline = { id: 'single', customerId: 'single', lanes: [usd], attributes: [] };
        // The EUR lane is 0 throughout, so only the general (merged) walk sees two lanes.
        const eur = { currency: 'EUR', at: [day(-1000)], mrr: [0] };
        const two: EntityTimeline = { id: 'two', customerId: 'two', lanes: [eur, usd], attributes: [] };
        const timeline = createTimeline([single, two]);
        const window = [day(from), day(from + length)] as const;
        expect(reactivationGap(timeline, 0, ...window)).toBe(reactivationGap(timeline, 1, ...window));
      }),
      { numRuns: 500 },
    );
  });
});
