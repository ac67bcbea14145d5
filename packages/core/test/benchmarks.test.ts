import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BENCHMARKS,
  type Benchmark,
  benchmarkByKey,
  benchmarksFor,
  compareToBenchmark,
} from '../src/index.ts';

const keys = (list: readonly Benchmark[]): string[] => list.map((b) => b.key);

describe('BENCHMARKS', () => {
  it('holds every row of the semantics table with its range, and the general tiers', () => {
    const ranges = BENCHMARKS.map((b) => [b.key, b.segment, b.metric, b.low, b.high]);
    expect(ranges).toEqual([
      ['smb-saas', 'SMB SaaS', 'NRR', 0.8, 1.0],
      ['smb-marketing-saas', 'SMB marketing SaaS', 'NRR', 0.9, 1.05],
      ['mid-market-saas', 'Mid-market SaaS', 'NRR', 0.9, 1.1],
      ['enterprise-saas', 'Enterprise SaaS', 'NRR', 1.2, 1.35],
      ['fintech-payments', 'Fintech and payments', 'NRR', 1.05, 1.25],
      ['ecommerce-enablement', 'E-commerce enablement', 'NRR', 0.9, 1.1],
      ['infrastructure-dev-tools', 'Infrastructure / dev tools', 'NRR', 1.2, null],
      ['b2b-saas', 'B2B SaaS overall', 'NRR', 1.0, null],
      ['general', 'SaaS, general tiers', 'NRR', 0.8, null],
    ]);
    expect(benchmarkByKey('b2b-saas')?.tiers).toEqual([
      { label: 'baseline', low: 1.0, high: null },
      { label: 'good', low: 1.05, high: 1.15 },
      { label: 'best', low: 1.2, high: null },
    ]);
    expect(benchmarkByKey('general')?.tiers?.map((t) => [t.label, t.low, t.high])).toEqual([
      ['SMB with high churn', 0.8, 0.9],
      ['healthy', 1.0, 1.1],
      ['strong', 1.1, 1.3],
      ['industry-leading', 1.3, null],
    ]);
  });

  it('names a source for every entry, with the publisher where the document gives one', () => {
    expect(benchmarkByKey('smb-marketing-saas')?.source).toEqual({
      title: 'What Is Net Revenue Retention (NRR) and How to Improve It',
      publisher: 'Fostio',
    });
    expect(benchmarkByKey('b2b-saas')?.source.publisher).toBe('Sequenzy');
    for (const b of BENCHMARKS) expect(b.source.title.length).toBeGreaterThan(0);
    expect(new Set(keys(BENCHMARKS)).size).toBe(BENCHMARKS.length);
  });

  it('invents no GRR range: the documents publish none', () => {
    expect(BENCHMARKS.filter((b) => b.metric === 'GRR')).toEqual([]);
  });
});

describe('compareToBenchmark', () => {
  it.each([
    [0.95, 'smb-saas', 'WITHIN', 0],
    [0.75, 'smb-saas', 'BELOW', 5],
    [0.8, 'smb-saas', 'WITHIN', 0],
    [1.0, 'smb-saas', 'WITHIN', 0],
    [1.005, 'smb-saas', 'ABOVE', 0.5],
    [0.7999, 'smb-saas', 'BELOW', 0.01],
    [1.3, 'enterprise-saas', 'WITHIN', 0],
    [1.2, 'enterprise-saas', 'WITHIN', 0],
    [1.35, 'enterprise-saas', 'WITHIN', 0],
    [1.4, 'enterprise-saas', 'ABOVE', 5],
    [1.1, 'enterprise-saas', 'BELOW', 10],
    [1.0, 'fintech-payments', 'BELOW', 5],
    [1.26, 'fintech-payments', 'ABOVE', 1],
    [1.2, 'infrastructure-dev-tools', 'WITHIN', 0],
    [3.5, 'infrastructure-dev-tools', 'WITHIN', 0],
    [1.19, 'infrastructure-dev-tools', 'BELOW', 1],
    [1.11, 'mid-market-saas', 'ABOVE', 1],
  ] as const)('%d vs %s → %s by %d points', (figure, key, position, points) => {
    const result = compareToBenchmark(figure, key);
    expect(result.position).toBe(position);
    expect(result.pointsFromRange).toBe(points);
    expect(result.benchmark.key).toBe(key);
    expect(result.figure).toBe(figure);
  });

  it('compares float sums at 1/10,000 of a point, so 0.1 + 0.7 is exactly 80%', () => {
    expect(0.1 + 0.7).toBeLessThan(0.8);
    expect(compareToBenchmark(0.1 + 0.7, 'smb-saas').position).toBe('WITHIN');
  });

  it.each([
    [1.0, 'baseline'],
    [1.03, 'baseline'],
    [1.05, 'good'],
    [1.15, 'good'],
    [1.17, 'baseline'],
    [1.2, 'best'],
    [1.45, 'best'],
    [0.99, undefined],
  ])('B2B SaaS overall: %d is in tier %s', (figure, tier) => {
    expect(compareToBenchmark(figure, 'b2b-saas').tier).toBe(tier);
  });

  it.each([
    [0.79, 'BELOW', undefined],
    [0.8, 'WITHIN', 'SMB with high churn'],
    [0.9, 'WITHIN', 'SMB with high churn'],
    [0.95, 'WITHIN', undefined],
    [1.0, 'WITHIN', 'healthy'],
    [1.1, 'WITHIN', 'strong'],
    [1.3, 'WITHIN', 'industry-leading'],
    [2, 'WITHIN', 'industry-leading'],
  ])('general tiers: %d is %s, tier %s', (figure, position, tier) => {
    const result = compareToBenchmark(figure, 'general');
    expect(result.position).toBe(position);
    expect(result.tier).toBe(tier);
    expect('tier' in result).toBe(tier !== undefined);
  });

  it('says UNKNOWN for a missing figure', () => {
    expect(compareToBenchmark(null, 'smb-saas')).toEqual({
      benchmark: benchmarkByKey('smb-saas'),
      figure: null,
      position: 'UNKNOWN',
      pointsFromRange: 0,
    });
    expect(compareToBenchmark(Number.NaN, 'smb-saas').position).toBe('UNKNOWN');
  });

  it('accepts a caller’s own benchmark and enforces the GRR ceiling on it', () => {
    const grr: Benchmark = {
      key: 'own-grr',
      segment: 'Ours',
      metric: 'GRR',
      low: 0.85,
      high: 0.95,
      source: { title: 'internal' },
    };
    expect(compareToBenchmark(0.97, grr)).toMatchObject({ position: 'ABOVE', pointsFromRange: 2 });
    expect(compareToBenchmark(1, grr).position).toBe('ABOVE');
    expect(() => compareToBenchmark(1.01, grr)).toThrow(/cannot exceed 1 \(100%\), got 1.01/);
  });

  it('rejects an unknown key, naming the known ones', () => {
    expect(() => compareToBenchmark(1, 'smb')).toThrow(/unknown benchmark "smb"; expected one of smb-saas, /);
    expect(() => compareToBenchmark(1, 'smb')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('law: position and distance agree with the range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.constantFrom(...BENCHMARKS),
        (figure, benchmark) => {
          const { position, pointsFromRange } = compareToBenchmark(figure, benchmark);
          expect(pointsFromRange).toBeGreaterThanOrEqual(0);
          if (position === 'WITHIN') expect(pointsFromRange).toBe(0);
          else expect(pointsFromRange).toBeGreaterThan(0);
          if (position === 'BELOW') expect(figure).toBeLessThan(benchmark.low ?? Number.NEGATIVE_INFINITY);
          if (position === 'ABOVE')
            expect(figure).toBeGreaterThan(benchmark.high ?? Number.POSITIVE_INFINITY);
          if (position === 'BELOW')
            expect(pointsFromRange).toBeCloseTo(((benchmark.low ?? 0) - figure) * 100, 3);
          if (position === 'ABOVE')
            expect(pointsFromRange).toBeCloseTo((figure - (benchmark.high ?? 0)) * 100, 3);
        },
      ),
    );
  });
});

describe('benchmarksFor', () => {
  const fallbacks = ['b2b-saas', 'general'];

  it('returns everything without a segment, one entry for a key or label', () => {
    expect(benchmarksFor()).toBe(BENCHMARKS);
    expect(keys(benchmarksFor('enterprise-saas'))).toEqual(['enterprise-saas']);
    expect(keys(benchmarksFor('smb saas'))).toEqual(['smb-saas']);
  });

  it.each([
    [{ sizeBand: 'SMB' }, ['smb-saas', 'smb-marketing-saas', ...fallbacks]],
    [{ sizeBand: 'MID_MARKET' }, ['mid-market-saas', ...fallbacks]],
    [{ sizeBand: 'ENTERPRISE', industry: 'Fintech' }, ['enterprise-saas', 'fintech-payments', ...fallbacks]],
    [{ sizeBand: 'SMB', industry: 'marketing' }, ['smb-marketing-saas', 'smb-saas', ...fallbacks]],
    [{ sizeBand: 'ENTERPRISE', industry: 'marketing' }, ['enterprise-saas', ...fallbacks]],
    [{ industry: 'Payments' }, ['fintech-payments', ...fallbacks]],
    [{ industry: 'e-commerce' }, ['ecommerce-enablement', ...fallbacks]],
    [{ industry: 'Developer tools' }, ['infrastructure-dev-tools', ...fallbacks]],
    [{ industry: 'healthcare' }, fallbacks],
    [{ sizeBand: 'SMB', industry: 'healthcare' }, ['smb-saas', ...fallbacks]],
    [{}, fallbacks],
  ] as const)('%j → %j', (query, expected) => {
    expect(keys(benchmarksFor(query))).toEqual(expected);
  });

  it.each([
    ['SMB marketing', ['smb-marketing-saas', 'smb-saas', ...fallbacks]],
    ['mid-market', ['mid-market-saas', ...fallbacks]],
    ['Mid market fintech', ['mid-market-saas', 'fintech-payments', ...fallbacks]],
    ['dev tools', ['infrastructure-dev-tools', ...fallbacks]],
    ['something else', fallbacks],
  ])('text %j → %j', (text, expected) => {
    expect(keys(benchmarksFor(text))).toEqual(expected);
  });
});
