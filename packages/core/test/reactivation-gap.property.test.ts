import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTimeline, type MrrSpan, MS_PER_DAY } from '../src/index.ts';
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
        // One USD span per positive step (a step lasts until the next change; the last is open).
        const usd = (customerId: string): MrrSpan[] =>
          changes.flatMap(({ at, mrr }, i) => {
            const end = changes[i + 1]?.at ?? null;
            if (mrr === 0 || end === at) return [];
            return [
              { customerId, subscriptionId: `${customerId}-usd-${i}`, start: at, end, mrr, currency: 'USD' },
            ];
          });
        // The second customer also had a free EUR plan long before: its EUR lane is 0
        // throughout, so only the general (merged) walk sees two lanes.
        const eur: MrrSpan = {
          customerId: 'two',
          subscriptionId: 'two-eur',
          start: day(-1100),
          end: day(-1000),
          mrr: 0,
          currency: 'EUR',
        };
        fc.pre(usd('single').length > 0); // a customer with no paid step has no USD lane to compare
        const timeline = buildTimeline([...usd('single'), eur, ...usd('two')]);
        const single = timeline.entities.findIndex((e) => e.id === 'single');
        const two = timeline.entities.findIndex((e) => e.id === 'two');
        expect(timeline.entities[two]?.lanes.length).toBe(2);
        const window = [day(from), day(from + length)] as const;
        expect(reactivationGap(timeline, two, ...window)).toBe(reactivationGap(timeline, single, ...window));
      }),
      { numRuns: 500 },
    );
  });
});
