import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTimeline, type EntityTimeline, type MrrSpan, MS_PER_DAY } from '../src/index.ts';
import { laneValueBefore, type TimelineColumns } from '../src/timeline.ts';
import { day } from './support/spans.ts';

const origin = day('2024-01-01');

/** Spans of few customers, so that some customers have many (> 32 steps: the large-entity sort path). */
const spansArbitrary = fc.array(
  fc
    .record({
      customer: fc.integer({ min: 0, max: 5 }),
      subscription: fc.integer({ min: 0, max: 3 }),
      startHour: fc.integer({ min: 0, max: 24 * 90 }),
      hours: fc.option(fc.integer({ min: 0, max: 24 * 60 }), { nil: null }),
      cancelHours: fc.option(fc.integer({ min: 0, max: 24 * 60 }), { nil: undefined }),
      mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000_000 })),
      currency: fc.constantFrom('USD', 'EUR', 'GBP'),
      plan: fc.option(fc.constantFrom('Starter', 'Pro'), { nil: undefined }),
    })
    .map((s): MrrSpan => {
      const start = origin + s.startHour * 3_600_000;
      return {
        customerId: `c${s.customer}`,
        subscriptionId: `s${s.subscription}`,
        start,
        end: s.hours === null ? null : start + s.hours * 3_600_000,
        mrr: s.mrr,
        currency: s.currency,
        ...(s.cancelHours === undefined ? {} : { canceledAt: start + s.cancelHours * 3_600_000 }),
        ...(s.plan === undefined ? {} : { attributes: { plan: s.plan } }),
      };
    }),
  { maxLength: 120 },
);

describe('timeline build', () => {
  it('without coalescing, each lane holds the sum of the spans active at every instant', () => {
    fc.assert(
      fc.property(
        spansArbitrary,
        fc.constantFrom<'END_OF_SERVICE' | 'CANCELLATION'>('END_OF_SERVICE', 'CANCELLATION'),
        (spans, churnDate) => {
          const timeline = buildTimeline(spans, { coalesceWindowMs: 0, churnDate });
          const instants = new Set<number>();
          for (const s of spans) {
            instants.add(s.start);
            if (s.end !== null) instants.add(s.end);
            if (s.canceledAt !== undefined) instants.add(s.canceledAt);
          }
          for (let e = 0; e < timeline.size; e++) {
            const entity = timeline.entityAt(e);
            const { laneStart, laneCurrency } = timeline.columns;
            for (let lane = laneStart[e] as number; lane < (laneStart[e + 1] as number); lane++) {
              const currency = timeline.currencies[laneCurrency[lane] as number];
              for (const t of instants) {
                const expected = spans
                  .filter((s) => s.customerId === entity.id && s.currency === currency)
                  .reduce((sum, s) => {
                    let end = s.end;
                    if (
                      churnDate === 'CANCELLATION' &&
                      s.canceledAt !== undefined &&
                      (end === null || s.canceledAt < end)
                    )
                      end = s.canceledAt;
                    return s.start <= t && (end === null || t < end) ? sum + s.mrr : sum;
                  }, 0);
                expect(laneValueBefore(timeline.columns, lane, t + 1)).toBe(expected);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the engine's columns, currencies and end of known data agree with the entities, whatever the input order", () => {
    fc.assert(
      fc.property(
        spansArbitrary,
        fc.constantFrom<'CUSTOMER' | 'SUBSCRIPTION'>('CUSTOMER', 'SUBSCRIPTION'),
        (spans, grain) => {
          // Subscription ids are unique per customer here only at customer grain; make them unique.
          const input =
            grain === 'SUBSCRIPTION'
              ? spans.map((s) => ({ ...s, subscriptionId: `${s.customerId}/${s.subscriptionId}` }))
              : spans;
          const timeline = buildTimeline(input, { grain });
          const entities = timeline.entities;
          expect(timeline.size).toBe(entities.length);
          const currencies = [
            ...new Set(entities.flatMap((x) => x.lanes.map((lane) => lane.currency))),
          ].sort();
          expect(timeline.currencies).toEqual(currencies);
          const instants = entities.flatMap((x) => x.lanes.flatMap((lane) => lane.at));
          expect(timeline.asOf).toBe(instants.length > 0 ? Math.max(...instants) : 0);
          expect(timeline.columns).toEqual(columnsOf(entities, currencies));
          for (const [e, entity] of entities.entries()) {
            expect(timeline.entityAt(e)).toBe(entity);
            expect(timeline.attributesOf(e)).toEqual(entity.attributes);
            expect(timeline.indexOf(entity.id)).toBe(e);
          }
          // Ids ascend; the result does not depend on input order.
          const ids = entities.map((x) => x.id);
          expect(ids).toEqual([...ids].sort());
          const reversed = buildTimeline([...input].reverse(), { grain });
          expect(reversed.columns).toEqual(timeline.columns);
          expect(reversed.entities.map((x) => x.lanes)).toEqual(entities.map((x) => x.lanes));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an entity with hundreds of changes and its coalescing window', () => {
    const spans: MrrSpan[] = Array.from({ length: 400 }, (_, k) => ({
      customerId: 'big',
      subscriptionId: `s${k}`,
      start: origin + (400 - k) * MS_PER_DAY,
      end: origin + (400 - k) * MS_PER_DAY + 30 * 60_000, // 30 minutes: coalesced away
      mrr: 1_000_000,
      currency: 'USD',
    }));
    spans.push({
      customerId: 'big',
      subscriptionId: 'base',
      start: origin,
      end: null,
      mrr: 5,
      currency: 'USD',
    });
    const timeline = buildTimeline(spans);
    expect(timeline.entityAt(0).lanes[0]).toEqual({ currency: 'USD', at: [origin], mrr: [5] });
    const raw = buildTimeline(spans, { coalesceWindowMs: 0 });
    expect(raw.entityAt(0).lanes[0]?.at).toHaveLength(801);
  });
});

/**
 * The columns a timeline of `entities` must have, computed from the entities alone: lanes and
 * changes in order, each lane's currency as an index of `currencies`, the first instant of MRR
 * above 0 (NaN if none), and the last change (+Infinity while some lane still pays).
 */
function columnsOf(entities: readonly EntityTimeline[], currencies: readonly string[]): TimelineColumns {
  const columns = {
    laneStart: [] as number[],
    laneCurrency: [] as number[],
    changeStart: [] as number[],
    times: [] as number[],
    values: [] as number[],
    firstPaidAt: [] as number[],
    paidUntil: [] as number[],
  };
  for (const entity of entities) {
    columns.laneStart.push(columns.laneCurrency.length);
    let firstPaid = Number.NaN;
    let lastChange = Number.NEGATIVE_INFINITY;
    let stillPaying = false;
    for (const lane of entity.lanes) {
      columns.laneCurrency.push(currencies.indexOf(lane.currency));
      columns.changeStart.push(columns.times.length);
      for (const [i, at] of lane.at.entries()) {
        const mrr = lane.mrr[i] as number;
        columns.times.push(at);
        columns.values.push(mrr);
        if (mrr > 0 && (Number.isNaN(firstPaid) || at < firstPaid)) firstPaid = at;
        lastChange = Math.max(lastChange, at);
      }
      if (lane.mrr.length > 0 && lane.mrr[lane.mrr.length - 1] !== 0) stillPaying = true;
    }
    columns.firstPaidAt.push(firstPaid);
    columns.paidUntil.push(stillPaying ? Number.POSITIVE_INFINITY : lastChange);
  }
  columns.laneStart.push(columns.laneCurrency.length);
  columns.changeStart.push(columns.times.length);
  return columns;
}
