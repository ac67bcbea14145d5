/**
 * What a segment filter selects: absent = no condition, an empty list of alternatives = nobody,
 * and the intersection of two segments selects exactly the customers both select.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeBreakdown,
  computeCohorts,
  computeMovements,
  computeRetention,
  computeRetentionSeries,
  intersectSegments,
  type MrrSpan,
  MS_PER_DAY,
  matchesSegment,
  type SegmentFilter,
  SIZE_BANDS,
  type SizeBand,
} from '../src/index.ts';
import { day, span } from './support/spans.ts';

const q1 = { from: day('2024-01-01'), to: day('2024-04-01') };
const timeline = buildTimeline([
  span('us-smb', '2023-06-01', null, 500, { attributes: { plan: 'Starter', country: 'US' } }),
  span('us-mid', '2023-06-01', '2024-02-10', 2_000, { attributes: { plan: 'Pro', country: 'US' } }),
  span('de-ent', '2023-01-01', null, 12_000, { attributes: { plan: 'Pro', country: 'DE' } }),
  span('fresh', '2024-02-01', null, 50, { attributes: { plan: 'Starter', country: 'AU' } }),
]);

/** Every engine query that takes a segment, reduced to "how many customers did it see". */
const queries: readonly [string, (segment: SegmentFilter | undefined) => number][] = [
  [
    'computeRetention',
    (segment) => computeRetention(timeline, { ...q1, ...seg(segment) }).customers.starting,
  ],
  [
    'computeRetentionSeries',
    (segment) =>
      computeRetentionSeries(timeline, { ...q1, granularity: 'MONTH', ...seg(segment) }).reduce(
        (sum, report) => sum + report.customers.starting + report.customers.new,
        0,
      ),
  ],
  [
    'computeBreakdown',
    (segment) =>
      computeBreakdown(timeline, { ...q1, by: 'plan', ...seg(segment) }).segments.reduce(
        (sum, row) => sum + row.report.customers.starting + row.report.customers.new,
        0,
      ),
  ],
  ['computeMovements', (segment) => computeMovements(timeline, { ...q1, ...seg(segment) }).length],
  [
    'computeCohorts',
    (segment) =>
      computeCohorts(timeline, {
        from: day('2023-01-01'),
        to: day('2024-04-01'),
        granularity: 'QUARTER',
        measure: 'LOGOS',
        view: 'ABSOLUTE',
        ...seg(segment),
      }).rows.reduce((sum, row) => sum + row.size, 0),
  ],
];

function seg(segment: SegmentFilter | undefined): { segment?: SegmentFilter } {
  return segment ? { segment } : {};
}

describe('empty lists of alternatives select nobody; absent lists select everyone', () => {
  const nobody: readonly [string, SegmentFilter][] = [
    ['sizeBands: []', { sizeBands: [] }],
    ['an attribute with values: []', { attributes: [{ name: 'country', values: [] }] }],
    [
      'sizeBands: [] beside an attribute filter that matches',
      { attributes: [{ name: 'country', values: ['US', 'DE'] }], sizeBands: [] },
    ],
  ];
  const everyone: readonly [string, SegmentFilter | undefined][] = [
    ['no segment', undefined],
    ['an empty segment', {}],
    ['attributes: [] (no conditions)', { attributes: [] }],
  ];

  for (const [name, count] of queries) {
    it(`${name}: sees customers without a filter`, () => {
      for (const [, segment] of everyone) expect(count(segment)).toBeGreaterThan(0);
      expect(count({ sizeBands: [...SIZE_BANDS] })).toBe(count(undefined));
    });
    for (const [label, segment] of nobody) {
      it(`${name}: ${label} selects nobody`, () => {
        expect(count(segment)).toBe(0);
      });
    }
  }

  it('a size-band breakdown lists only the bands the segment selects', () => {
    const rows = (sizeBands?: SizeBand[]) =>
      computeBreakdown(timeline, { ...q1, by: 'size_band', ...(sizeBands ? { segment: { sizeBands } } : {}) })
        .segments.map((row) => row.value)
        .sort();
    expect(rows()).toEqual(['ENTERPRISE', 'MID_MARKET', 'SMB']);
    expect(rows(['SMB'])).toEqual(['SMB']);
    expect(rows([])).toEqual([]);
  });
});

const bandsArbitrary = fc.option(fc.subarray([...SIZE_BANDS]), { nil: undefined });
const segmentArbitrary: fc.Arbitrary<SegmentFilter> = fc
  .record({
    attributes: fc.option(
      fc.array(
        fc.record({
          name: fc.constantFrom('plan', 'country'),
          values: fc.subarray(['Starter', 'Pro', 'US', 'DE', 'AU']),
        }),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
    sizeBands: bandsArbitrary,
  })
  .map(({ attributes, sizeBands }) => ({
    ...(attributes ? { attributes } : {}),
    ...(sizeBands ? { sizeBands } : {}),
  }));
const customerArbitrary = fc.record({
  attributes: fc.record(
    { plan: fc.constantFrom('Starter', 'Pro'), country: fc.constantFrom('US', 'DE', 'AU') },
    { requiredKeys: [] },
  ),
  band: fc.constantFrom(...SIZE_BANDS),
});

describe('intersectSegments', () => {
  it('selects exactly the customers both segments select', () => {
    fc.assert(
      fc.property(
        fc.option(segmentArbitrary, { nil: undefined }),
        fc.option(segmentArbitrary, { nil: undefined }),
        customerArbitrary,
        (a, b, { attributes, band }) => {
          const both = intersectSegments(a, b);
          expect(matchesSegment(attributes, band, both)).toBe(
            matchesSegment(attributes, band, a) && matchesSegment(attributes, band, b),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('never turns an empty list into no filter', () => {
    expect(intersectSegments({ sizeBands: ['SMB'] }, { sizeBands: [] })).toEqual({ sizeBands: [] });
    expect(intersectSegments({}, { sizeBands: [] })).toEqual({ sizeBands: [] });
    expect(intersectSegments({ sizeBands: [] }, undefined)).toEqual({ sizeBands: [] });
    expect(
      intersectSegments(
        { attributes: [{ name: 'country', values: ['US'] }] },
        { attributes: [{ name: 'country', values: [] }] },
      ),
    ).toEqual({ attributes: [{ name: 'country', values: [] }] });
    expect(
      intersectSegments(
        { attributes: [{ name: 'country', values: ['US'] }] },
        { attributes: [{ name: 'country', values: ['US', 'FR'] }] },
      ),
    ).toEqual({ attributes: [{ name: 'country', values: ['US'] }] });
  });
});

const spanArbitrary = fc
  .record({
    customer: fc.integer({ min: 0, max: 6 }),
    startDay: fc.integer({ min: 0, max: 500 }),
    days: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }),
    mrr: fc.integer({ min: 1, max: 200_000_000 }),
    plan: fc.constantFrom('Starter', 'Pro', 'Enterprise'),
  })
  .map(
    (s): MrrSpan => ({
      customerId: `c${s.customer}`,
      subscriptionId: `c${s.customer}-s${s.startDay}`,
      start: day('2023-01-01') + s.startDay * MS_PER_DAY,
      end: s.days === null ? null : day('2023-01-01') + (s.startDay + s.days) * MS_PER_DAY,
      mrr: s.mrr,
      currency: 'USD',
      attributes: { plan: s.plan },
    }),
  );

describe('a list of alternatives is the sum of its members (the empty list is the empty sum)', () => {
  const window = { from: day('2023-07-01'), to: day('2024-07-01') };

  it('for size bands and attribute values, in retention', () => {
    fc.assert(
      fc.property(
        fc.array(spanArbitrary, { maxLength: 20 }),
        fc.subarray([...SIZE_BANDS]),
        fc.subarray(['Starter', 'Pro', 'Enterprise']),
        (spans, bands, plans) => {
          const built = buildTimeline(spans);
          const starting = (segment: SegmentFilter) =>
            computeRetention(built, { ...window, segment }).startingMrr;
          const sumOf = (parts: number[]) => parts.reduce((a, b) => a + b, 0);
          expect(starting({ sizeBands: bands })).toBe(sumOf(bands.map((b) => starting({ sizeBands: [b] }))));
          expect(starting({ attributes: [{ name: 'plan', values: plans }] })).toBe(
            sumOf(plans.map((p) => starting({ attributes: [{ name: 'plan', values: [p] }] }))),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
