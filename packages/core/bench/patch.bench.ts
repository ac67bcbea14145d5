/**
 * Patch benchmark: prints the time of `patchTimeline` for one changed customer (and for 1,000)
 * beside the full rebuild it replaces (`buildTimeline` of every span), at each size, in one run,
 * and checks that the patched timeline equals the rebuild. Figures only, no targets asserted.
 *
 *   pnpm --filter @nrr/core bench                                   # 100,000 and 1,000,000 customers
 *   pnpm --filter @nrr/core exec tsx --conditions=@nrr/source bench/patch.bench.ts --customers 10000
 */
import { isDeepStrictEqual } from 'node:util';
import {
  addMonths,
  buildTimeline,
  type MrrSpan,
  patchTimeline,
  type Timeline,
  type TimelinePatch,
} from '../src/index.ts';
import { BENCH_START, benchOptions, generatedSpans, median, timed } from './bench-support.ts';

const options = benchOptions({ customers: '100000,1000000', runs: '20' });
const sizes = options.customers.split(',').map(Number);
const { months, seed, runs } = options;
const start = BENCH_START;
const asOfAtLeast = addMonths(start, months);

const count = (n: number) => n.toLocaleString('en-US');
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

/** The patch that raises the MRR of `customers` by 10% (all their spans, as an event would). */
function raise(spans: readonly MrrSpan[], customers: ReadonlySet<string>): TimelinePatch {
  return {
    customerIds: customers,
    spans: spans
      .filter((s) => customers.has(s.customerId))
      .map((s) => ({ ...s, mrr: Math.round(s.mrr * 1.1) })),
    asOfAtLeast,
  };
}

console.log(`@nrr/core patch benchmark — ${months} months, seed ${seed}, median of ${runs} patches`);
for (const customers of sizes) {
  const spans = generatedSpans({ seed, customers, months });
  const base = buildTimeline(spans, { asOfAtLeast });
  const ids: string[] = [];
  for (let e = 0; e < base.size; e += Math.max(1, Math.floor(base.size / 1000)))
    ids.push(base.entityAt(e).id);
  const one = raise(spans, new Set([ids[Math.floor(ids.length / 2)] as string]));
  const thousand = raise(spans, new Set(ids.slice(0, 1000)));

  const lines: string[] = [];
  for (const [label, patch] of [
    ['1 customer', one],
    [`${count(new Set(thousand.customerIds).size)} customers`, thousand],
  ] as const) {
    const replaced = new Set(patch.customerIds);
    const after = [...spans.filter((s) => !replaced.has(s.customerId)), ...patch.spans];
    const rebuilds: number[] = [];
    let rebuilt: Timeline | undefined;
    for (let run = 0; run < (customers >= 1_000_000 ? 2 : 3); run++) {
      const { result, ms } = timed(() => buildTimeline(after, { asOfAtLeast }));
      rebuilt = result;
      rebuilds.push(ms);
    }
    const patches: number[] = [];
    let patched: Timeline | undefined;
    for (let run = 0; run < runs; run++) {
      const { result, ms } = timed(() => patchTimeline(base, patch));
      patched = result;
      patches.push(ms);
    }
    const same =
      patched !== undefined &&
      rebuilt !== undefined &&
      patched.asOf === rebuilt.asOf &&
      isDeepStrictEqual(patched.currencies, rebuilt.currencies) &&
      isDeepStrictEqual(patched.columns, rebuilt.columns);
    if (!same) throw new Error(`patched timeline differs from the rebuild (${count(customers)}, ${label})`);
    const rebuild = median(rebuilds);
    const patchMs = median(patches);
    lines.push(
      `  patch of ${label.padEnd(16)} ${ms(patchMs).padStart(7)} ms  vs full rebuild ${ms(rebuild).padStart(6)} ms` +
        `  (${(rebuild / patchMs).toFixed(0)}× faster; same columns ✓)`,
    );
  }
  console.log(`${count(customers)} customers, ${count(spans.length)} spans:`);
  for (const line of lines) console.log(line);
}
