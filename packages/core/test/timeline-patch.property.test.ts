import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeMovements,
  computeRetention,
  type ExchangeRates,
  generatedPeriodToSpan,
  generatePeriods,
  type Instant,
  type MrrSpan,
  patchTimeline,
  type Timeline,
  type TimelineOptions,
  type TimelinePatch,
} from '../src/index.ts';
import { day, span } from './support/spans.ts';

const origin = day('2024-01-01');
const HOUR = 3_600_000;

/** Fixed rates for every currency the spans use (CHF only ever comes with a patch). */
const rates: ExchangeRates = {
  reportingCurrency: 'USD',
  rateAt: (currency) => ({ USD: 1, EUR: 1.1, GBP: 1.25, CHF: 1.05 })[currency],
};

/** A span of customer `c{n}`; `shared` subscription ids may collide across customers. */
const spanOf = (customers: fc.Arbitrary<string>, currencies: readonly string[]) =>
  fc
    .record({
      customer: customers,
      subscription: fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: 0, max: 2 }).map((n) => `s${n}`) },
        { weight: 1, arbitrary: fc.constant('shared') },
      ),
      startHour: fc.integer({ min: 0, max: 24 * 120 }),
      hours: fc.option(fc.integer({ min: 0, max: 24 * 90 }), { nil: null }),
      cancelHours: fc.option(fc.integer({ min: 0, max: 24 * 90 }), { nil: undefined }),
      mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000_000 })),
      currency: fc.constantFrom(...currencies),
      plan: fc.option(fc.constantFrom('Starter', 'Pro'), { nil: undefined }),
      region: fc.option(fc.constantFrom('EU', 'US'), { nil: undefined }),
    })
    .map((s): MrrSpan => {
      const start = origin + s.startHour * HOUR;
      const attributes = {
        ...(s.plan === undefined ? {} : { plan: s.plan }),
        ...(s.region === undefined ? {} : { region: s.region }),
      };
      return {
        customerId: s.customer,
        subscriptionId: s.subscription === 'shared' ? 'shared' : `${s.customer}/${s.subscription}`,
        start,
        end: s.hours === null ? null : start + s.hours * HOUR,
        mrr: s.mrr,
        currency: s.currency,
        ...(s.cancelHours === undefined ? {} : { canceledAt: start + s.cancelHours * HOUR }),
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
      };
    });

const BASE_CUSTOMERS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
/** Base customers plus two that only a patch brings. */
const ALL_CUSTOMERS = [...BASE_CUSTOMERS, 'c8', 'c9'];

const baseSpans = fc.array(spanOf(fc.constantFrom(...BASE_CUSTOMERS), ['USD', 'EUR', 'GBP']), {
  maxLength: 60,
});

/** A patch: some customers (old, new or both) and their new spans, possibly none (removal), possibly in CHF. */
const patchOf: fc.Arbitrary<TimelinePatch> = fc
  .record({
    customers: fc.subarray(ALL_CUSTOMERS, { minLength: 0, maxLength: 4 }),
    spans: fc.array(
      fc.record({
        pick: fc.nat(),
        span: spanOf(fc.constant('?'), ['USD', 'EUR', 'GBP', 'CHF']),
      }),
      { maxLength: 20 },
    ),
    asOfAtLeastDays: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  })
  .map(({ customers, spans, asOfAtLeastDays }) => ({
    customerIds: customers,
    spans:
      customers.length === 0
        ? []
        : spans.map(({ pick, span }) => {
            const customerId = customers[pick % customers.length] as string;
            const subscriptionId =
              span.subscriptionId === 'shared' ? 'shared' : span.subscriptionId.replace('?', customerId);
            return { ...span, customerId, subscriptionId };
          }),
    ...(asOfAtLeastDays === undefined ? {} : { asOfAtLeast: origin + asOfAtLeastDays * 86_400_000 }),
  }));

/** How the base is built: the options, and how its end of known data is set. */
type BuildOptions = TimelineOptions & { asOf?: Instant; asOfAtLeast?: Instant };
const buildOptions: fc.Arbitrary<BuildOptions> = fc
  .record({
    grain: fc.constantFrom<'CUSTOMER' | 'SUBSCRIPTION'>('CUSTOMER', 'SUBSCRIPTION'),
    coalesceWindowMs: fc.constantFrom(undefined, 0, 60 * 60_000, 3 * 86_400_000),
    churnDate: fc.constantFrom(undefined, 'END_OF_SERVICE' as const, 'CANCELLATION' as const),
    end: fc.oneof(
      fc.constant({}),
      fc.integer({ min: 0, max: 300 }).map((d) => ({ asOf: origin + d * 86_400_000 })),
      fc.integer({ min: 0, max: 300 }).map((d) => ({ asOfAtLeast: origin + d * 86_400_000 })),
    ),
  })
  .map(({ grain, coalesceWindowMs, churnDate, end }) => ({
    grain,
    ...(coalesceWindowMs === undefined ? {} : { coalesceWindowMs }),
    ...(churnDate === undefined ? {} : { churnDate }),
    ...end,
  }));

/** `buildTimeline`'s result, or the message it throws. */
function attempt(build: () => Timeline): Timeline | string {
  try {
    return build();
  } catch (error) {
    return (error as Error).message;
  }
}

/** The spans after a patch: those of other customers, in order, then the patch's. */
function patchedSpans(spans: readonly MrrSpan[], patch: TimelinePatch): MrrSpan[] {
  const replaced = new Set(patch.customerIds);
  return [...spans.filter((s) => !replaced.has(s.customerId)), ...patch.spans];
}

/** The options a rebuild after `patch` uses: the patch's `asOfAtLeast` replaces the build's. */
function optionsAfter(options: BuildOptions, patch: TimelinePatch): BuildOptions {
  if (options.asOf !== undefined || patch.asOfAtLeast === undefined) return options;
  return { ...options, asOfAtLeast: patch.asOfAtLeast };
}

/** Asserts that two timelines are the same in everything a caller can observe. */
function expectSameTimeline(actual: Timeline, expected: Timeline): void {
  expect(actual.size).toBe(expected.size);
  expect(actual.asOf).toBe(expected.asOf);
  expect(actual.grain).toBe(expected.grain);
  expect(actual.currencies).toEqual(expected.currencies);
  expect(actual.columns).toEqual(expected.columns);
  expect(actual.entities).toEqual(expected.entities);
  for (let e = 0; e < expected.size; e++) {
    expect(actual.attributesOf(e)).toEqual(expected.attributesOf(e));
    expect(actual.indexOf(expected.entityAt(e).id)).toBe(e);
  }
  expect(actual.indexOf('nobody')).toBeUndefined();
  for (const [from, to] of [
    [day('2024-02-01'), day('2024-03-01')],
    [day('2024-01-01'), day('2024-05-01')],
    [day('2024-03-15'), day('2024-04-15')],
  ] as const) {
    const query = { from, to, rates };
    expect(computeRetention(actual, query)).toEqual(computeRetention(expected, query));
    expect(computeMovements(actual, query)).toEqual(computeMovements(expected, query));
  }
}

describe('patchTimeline', () => {
  it('equals the rebuild from the patched spans, and leaves the base as it was', () => {
    fc.assert(
      fc.property(baseSpans, buildOptions, patchOf, (spans, options, patch) => {
        const base = attempt(() => buildTimeline(spans, options));
        fc.pre(typeof base !== 'string');
        const before = structuredClone(base.columns);
        const rebuilt = attempt(() =>
          buildTimeline(patchedSpans(spans, patch), optionsAfter(options, patch)),
        );
        const patched = attempt(() => patchTimeline(base, patch));
        if (typeof rebuilt === 'string') {
          // Only a duplicate entity id (two customers sharing a subscription id) fails a build.
          expect(patched).toBe(rebuilt);
          return;
        }
        expect(typeof patched).toBe('object');
        expectSameTimeline(patched as Timeline, rebuilt);
        expect(base.columns).toEqual(before);
        expectSameTimeline(base, buildTimeline(spans, options));
      }),
      { numRuns: 300 },
    );
  });

  it('a chain of three patches equals the rebuild after the last', () => {
    fc.assert(
      fc.property(
        baseSpans,
        buildOptions,
        fc.array(patchOf, { minLength: 3, maxLength: 3 }),
        (spans, options, patches) => {
          let timeline = attempt(() => buildTimeline(spans, options));
          fc.pre(typeof timeline !== 'string');
          let current = spans;
          let currentOptions = options;
          for (const patch of patches) {
            current = patchedSpans(current, patch);
            currentOptions = optionsAfter(currentOptions, patch);
            const rebuilt = attempt(() => buildTimeline(current, currentOptions));
            fc.pre(typeof rebuilt !== 'string');
            const patched: Timeline = patchTimeline(timeline, patch);
            expectSameTimeline(patched, rebuilt);
            timeline = patched;
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('patches hundreds of customers of a generated dataset, at both grains, as the rebuild', () => {
    const spans: MrrSpan[] = [];
    for (const period of generatePeriods({ seed: 7, customers: 2_000, months: 24, start: origin }))
      spans.push(generatedPeriodToSpan(period));
    const ids = [...new Set(spans.map((s) => s.customerId))];
    // Every 7th customer changes price, every 11th leaves, 50 new ones arrive (some in CHF).
    const changed = ids.filter((_, k) => k % 7 === 0 || k % 11 === 0);
    const arrivals = Array.from({ length: 50 }, (_, k) => `new_${String(k).padStart(3, '0')}`);
    const patch: TimelinePatch = {
      customerIds: new Set([...changed, ...arrivals]),
      spans: [
        ...spans
          .filter((s) => changed.includes(s.customerId) && ids.indexOf(s.customerId) % 11 !== 0)
          .map((s) => ({ ...s, mrr: s.mrr * 2, attributes: { ...s.attributes, plan: 'Repriced' } })),
        ...arrivals.map((customerId, k) =>
          span(customerId, '2024-06-01', null, 10 + k, { currency: k % 5 === 0 ? 'CHF' : 'USD' }),
        ),
      ],
      asOfAtLeast: day('2026-01-01'),
    };
    for (const grain of ['CUSTOMER', 'SUBSCRIPTION'] as const) {
      const base = buildTimeline(spans, { grain });
      const patched = patchTimeline(base, patch);
      const rebuilt = buildTimeline(patchedSpans(spans, patch), { grain, asOfAtLeast: day('2026-01-01') });
      // 2,000 customers, 182 of them (every 11th) gone, 50 new.
      if (grain === 'CUSTOMER') expect(patched.size).toBe(1_868);
      expect(patched.currencies).toContain('CHF');
      expectSameTimeline(patched, rebuilt);
    }
  });

  it('replaces, removes and adds customers: a worked example', () => {
    const base = buildTimeline([
      span('acme', '2024-01-01', null, 100),
      span('beta', '2024-01-01', '2024-03-01', 50, { attributes: { plan: 'Pro' } }),
      span('gamma', '2024-02-01', null, 30, { currency: 'EUR' }),
    ]);
    expect(base.asOf).toBe(day('2024-03-01'));
    const patched = patchTimeline(base, {
      customerIds: ['beta', 'gamma', 'delta'],
      spans: [span('delta', '2024-01-15', null, 70, { currency: 'CHF', attributes: { plan: 'Starter' } })],
    });
    expect(patched.entities.map((x) => x.id)).toEqual(['acme', 'delta']);
    expect(patched.currencies).toEqual(['CHF', 'USD']);
    expect(patched.entityAt(1).lanes).toEqual([{ currency: 'CHF', at: [day('2024-01-15')], mrr: [700_000] }]);
    expect(patched.attributesOf(1)).toEqual([{ at: day('2024-01-15'), values: { plan: 'Starter' } }]);
    expect(patched.columns.laneCurrency).toEqual([1, 0]);
    // beta's end held the latest change; now acme's and delta's starts are the latest.
    expect(patched.asOf).toBe(day('2024-01-15'));
    expect(base.entities.map((x) => x.id)).toEqual(['acme', 'beta', 'gamma']);
    expect(base.currencies).toEqual(['EUR', 'USD']);
  });

  it('keeps an explicit asOf, and a patch’s asOfAtLeast replaces the build’s', () => {
    const spans = [span('acme', '2024-01-01', null, 100)];
    const move = { customerIds: ['acme'], spans: [span('acme', '2024-02-01', null, 100)] };
    const fixed = buildTimeline(spans, { asOf: day('2024-01-10') });
    expect(patchTimeline(fixed, { ...move, asOfAtLeast: day('2025-01-01') }).asOf).toBe(day('2024-01-10'));
    const bounded = buildTimeline(spans, { asOfAtLeast: day('2024-06-01') });
    expect(patchTimeline(bounded, move).asOf).toBe(day('2024-06-01'));
    expect(patchTimeline(bounded, { ...move, asOfAtLeast: day('2024-01-05') }).asOf).toBe(day('2024-02-01'));
  });

  it('replaces every subscription of a patched customer at subscription grain', () => {
    const base = buildTimeline(
      [
        span('acme', '2024-01-01', null, 100, { subscriptionId: 'a1' }),
        span('acme', '2024-01-01', null, 10, { subscriptionId: 'z9' }),
        span('beta', '2024-01-01', null, 50, { subscriptionId: 'm5' }),
      ],
      { grain: 'SUBSCRIPTION' },
    );
    const patched = patchTimeline(base, {
      customerIds: ['acme'],
      spans: [span('acme', '2024-01-01', null, 120, { subscriptionId: 'n7' })],
    });
    expect(patched.entities.map((x) => [x.id, x.customerId])).toEqual([
      ['m5', 'beta'],
      ['n7', 'acme'],
    ]);
    expect(() =>
      patchTimeline(base, {
        customerIds: ['gamma'],
        spans: [span('gamma', '2024-01-01', null, 5, { subscriptionId: 'm5' })],
      }),
    ).toThrow('duplicate entity id in timeline: m5');
  });

  it('rejects a span of a customer the patch does not replace, naming it', () => {
    const base = buildTimeline([span('acme', '2024-01-01', null, 100)]);
    expect(() =>
      patchTimeline(base, {
        customerIds: ['acme'],
        spans: [
          span('acme', '2024-01-01', null, 120),
          span('beta', '2024-01-01', null, 5, { subscriptionId: 'sub_9' }),
        ],
      }),
    ).toThrow(
      'patchTimeline: spans[1] (customer "beta", subscription "sub_9") belongs to a customer that is not in ' +
        "the patch's customerIds",
    );
  });

  it('rejects a timeline it did not build', () => {
    const built = buildTimeline([span('acme', '2024-01-01', null, 100)]);
    const copy: Timeline = { ...built, entityAt: built.entityAt };
    expect(() => patchTimeline(copy, { customerIds: [], spans: [] })).toThrow(
      'patchTimeline: the base timeline was not made by buildTimeline or patchTimeline',
    );
  });
});
