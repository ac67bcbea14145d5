/**
 * Issue 14's bench line: per-query figures of an interleaved load, and the verdict on the
 * non-default definition set's warm p99 against the default's (target: within 1.5×).
 */
import { describe, expect, it } from 'vitest';
import { summarizeLatencies } from '../src/load-client.ts';
import type { ApiRecord } from '../src/records.ts';
import { apiDefinitionsTable, apiDefinitionsVerdicts } from '../src/render.ts';

const result = (p50: number, p99: number, requests: number) => ({
  requests,
  p50,
  p99,
  max: p99,
  requestsPerSecond: requests / 5,
});

function record(definitions: ApiRecord['http']['definitions']): ApiRecord {
  return {
    http: {
      customers: 100_000,
      rows: 191_024,
      loadMs: 600,
      concurrency: 16,
      seconds: 5,
      queries: [],
      definitions,
    },
  } as unknown as ApiRecord;
}

const input = '{ preset: BAREMETRICS }';

describe('summarizeLatencies', () => {
  it('gives nearest-rank p50/p99, the max and requests per second of unsorted latencies', () => {
    const latencies = Array.from({ length: 200 }, (_, i) => 200 - i); // 200, 199, …, 1
    expect(summarizeLatencies(latencies, 4000)).toEqual({
      requests: 200,
      p50: 100,
      p99: 198,
      max: 200,
      requestsPerSecond: 50,
    });
  });

  it('reports NaN percentiles for a query that got no answer', () => {
    const empty = summarizeLatencies([], 1000);
    expect(empty.requests).toBe(0);
    expect(empty.p99).toBeNaN();
  });
});

describe('apiDefinitionsVerdicts', () => {
  it('meets the target at 1.5× the default p99 and says by how much', () => {
    const verdicts = apiDefinitionsVerdicts(
      record({ input, coldMs: 1234, base: result(4, 20, 900), other: result(5, 30, 880), spansStage: 'n/a' }),
    );
    expect(verdicts).toEqual([
      {
        target:
          "warm retention p99 under a non-default definition set within 1.5× the default's at 100,000 customers",
        verdict: 'met',
        evidence: 'p99 30 ms against 20 ms = 1.50× (interleaved, 16 clients); cold 1.23 s',
      },
    ]);
  });

  it('misses it above 1.5×', () => {
    const [verdict] = apiDefinitionsVerdicts(
      record({ input, coldMs: 900, base: result(4, 20, 900), other: result(5, 31, 880), spansStage: 'n/a' }),
    );
    expect(verdict?.verdict).toBe('missed');
    expect(verdict?.evidence).toBe('p99 31 ms against 20 ms = 1.55× (interleaved, 16 clients); cold 900 ms');
  });

  it('says not measured for records written before the line existed', () => {
    expect(apiDefinitionsVerdicts(record(undefined))[0]?.verdict).toBe('not measured');
    expect(apiDefinitionsTable(record(undefined))).toBeUndefined();
  });
});

describe('apiDefinitionsTable', () => {
  it('puts the non-default line under the default one with its cold time and p99 ratio', () => {
    const table = apiDefinitionsTable(
      record({
        input,
        coldMs: 1234,
        base: result(4.4, 16, 9000),
        other: result(4.8, 20, 8900),
        spansStage: 'n/a',
      }),
    );
    expect(table?.rows).toEqual([
      ['tenant settings (default)', '(cached)', '4.4 ms', '16 ms', '9,000', '1.00×'],
      [`definitions: ${input}`, '1.23 s', '4.8 ms', '20 ms', '8,900', '1.25×'],
    ]);
  });
});
