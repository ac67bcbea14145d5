/**
 * Definition diff benchmark: prints the time of one set's half of a comparison
 * (`definitionShares`: its report and every customer's share) beside `computeRetention` on the
 * same annual question and timeline, interleaved in one run, and their ratio (the figure to
 * compare between machines and versions: the half does the report's pass plus one per-customer
 * attribution pass). Then `compareShares` of two halves. Figures only, no targets asserted.
 *
 *   pnpm --filter @nrr/core bench                                   # 100,000 customers
 *   pnpm --filter @nrr/core exec tsx --conditions=@nrr/source bench/compare.bench.ts --customers 10000
 */
import {
  addMonths,
  BRIDGE_LINES,
  buildTimeline,
  compareShares,
  computeRetention,
  createExchangeRates,
  definitionShares,
  generateExchangeRates,
  queryOptionsOf,
  resolveDefinitions,
  timelineUnder,
} from '../src/index.ts';
import { BENCH_START, benchOptions, generatedSpans, median, timed } from './bench-support.ts';

const options = benchOptions({ customers: '100000', runs: '20' });
const customers = Number(options.customers);
const { months, seed, runs } = options;
const start = BENCH_START;
const asOf = addMonths(start, months);

const elapsed = (fn: () => unknown) => timed(fn).ms;

const spans = generatedSpans({ seed, customers, months });
const rates = createExchangeRates('USD', generateExchangeRates({ seed, months, start }));
const defaults = resolveDefinitions({});
// A set that changes the timeline and the classification: a 1,440-minute grouping window, a
// 90-day reactivation window and New York's calendar.
const custom = resolveDefinitions({
  preset: 'BAREMETRICS',
  reactivationWindowDays: 90,
  timeZone: 'America/New_York',
});
const timeline = buildTimeline(spans, { asOf });
const customTimeline = timelineUnder({ spans, asOf }, custom);
const year = { from: addMonths(start, 12), to: addMonths(start, 24), rates };

console.log(
  `@nrr/core compare benchmark — ${customers.toLocaleString('en-US')} customers × ${months} months, seed ${seed}, ${runs} runs (warm, interleaved)`,
);

const questions = {
  'computeRetention, defaults': () => computeRetention(timeline, { ...year, ...queryOptionsOf(defaults) }),
  'definitionShares, defaults': () => definitionShares(year, defaults, timeline),
  'computeRetention, custom set': () =>
    computeRetention(customTimeline, { ...year, ...queryOptionsOf(custom) }),
  'definitionShares, custom set': () => definitionShares(year, custom, customTimeline),
};
const entries = Object.entries(questions);
const lists = entries.map(([, question]) => {
  question();
  return [] as number[];
});
for (let run = 0; run < runs; run++) {
  for (const [q, [, question]] of entries.entries()) lists[q]?.push(elapsed(question));
}
const medians = lists.map(median);
entries.forEach(([name], q) => {
  console.log(`${name.padEnd(30)} median ${(medians[q] as number).toFixed(1).padStart(7)} ms`);
});
const [retentionDefaults, sharesDefaults, retentionCustom, sharesCustom] = medians as [
  number,
  number,
  number,
  number,
];
console.log(
  `definitionShares ÷ computeRetention  ${(sharesDefaults / retentionDefaults).toFixed(2)}× (defaults), ` +
    `${(sharesCustom / retentionCustom).toFixed(2)}× (custom set)`,
);

// First call on a timeline just built (a new import's): nothing of the timeline is cached yet.
const coldRuns = Math.max(3, Math.ceil(runs / 4));
const cold = { computeRetention: [] as number[], definitionShares: [] as number[] };
for (let run = 0; run < coldRuns; run++) {
  const fresh = [buildTimeline(spans, { asOf }), buildTimeline(spans, { asOf })] as const;
  cold.computeRetention.push(
    elapsed(() => computeRetention(fresh[0], { ...year, ...queryOptionsOf(defaults) })),
  );
  cold.definitionShares.push(elapsed(() => definitionShares(year, defaults, fresh[1])));
}
const coldRetention = median(cold.computeRetention);
const coldShares = median(cold.definitionShares);
console.log(
  `first call on a fresh timeline: computeRetention ${coldRetention.toFixed(1)} ms, ` +
    `definitionShares ${coldShares.toFixed(1)} ms (${(coldShares / coldRetention).toFixed(2)}×), median of ${coldRuns}`,
);

const halfA = definitionShares(year, defaults, timeline);
const halfB = definitionShares(year, custom, customTimeline);
const combine = () =>
  compareShares({ definitions: defaults, shares: halfA }, { definitions: custom, shares: halfB });
combine();
const combined = median(Array.from({ length: runs }, () => elapsed(combine)));
console.log(`${'compareShares of both halves'.padEnd(30)} median ${combined.toFixed(1).padStart(7)} ms`);

// The halves' shares add up to their reports, line by line (the law the tests assert, here as a check).
const check = (half: typeof halfA) =>
  BRIDGE_LINES.every((line, l) => {
    let sum = 0;
    for (let i = 0; i < half.customerIds.length; i++)
      sum += half.bridges[i * BRIDGE_LINES.length + l] as number;
    return sum === half.report[line];
  });
const comparison = combine();
console.log(
  `check: ${halfA.customerIds.length.toLocaleString('en-US')} / ${halfB.customerIds.length.toLocaleString('en-US')} customers, ` +
    `${halfA.movementKinds.length.toLocaleString('en-US')} / ${halfB.movementKinds.length.toLocaleString('en-US')} movements; ` +
    `shares sum to the reports: ${check(halfA) && check(halfB) ? 'yes' : 'NO'}; ` +
    `${comparison.customers.length.toLocaleString('en-US')} customers differ; NRR b − a ${comparison.difference.nrr?.toFixed(4)}`,
);
