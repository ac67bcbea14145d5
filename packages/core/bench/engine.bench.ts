/**
 * Engine benchmark: prints time and memory for building the timeline of a generated dataset and
 * for the figures a retention dashboard needs after that (every monthly bridge, the trailing-12-month
 * NRR and GRR series, the monthly cohort table). Target for 100,000 customers over 36 months:
 * under 1 second and under 1 GB for the figures, on one core.
 *
 *   pnpm --filter @nrr/core bench                 # 100,000 customers
 *   pnpm --filter @nrr/core bench -- --customers 10000 --months 24
 */
import { cpus, totalmem } from 'node:os';
import {
  addMonths,
  buildTimeline,
  computeCohorts,
  computeRetention,
  computeRetentionSeries,
  createExchangeRates,
  generateExchangeRates,
  queryOptionsOf,
  resolveDefinitions,
  timelineUnder,
} from '../src/index.ts';
import { BENCH_START, benchOptions, generatedSpans, median, timed } from './bench-support.ts';

const options = benchOptions({ customers: '100000', runs: '5' });
const customers = Number(options.customers);
const { months, seed, runs } = options;
const start = BENCH_START;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

console.log(
  `@nrr/core engine benchmark — ${customers.toLocaleString('en-US')} customers × ${months} months, seed ${seed}`,
);
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${mb(totalmem())} RAM, Node ${process.version}`,
);

const generated = timed(() => generatedSpans({ seed, customers, months }));
const spans = generated.result;
console.log(
  `generate   ${spans.length.toLocaleString('en-US')} period rows in ${generated.ms.toFixed(0)} ms`,
);

const rates = createExchangeRates('USD', generateExchangeRates({ seed, months, start }));
const asOf = addMonths(start, months);
const heapBefore = process.memoryUsage().heapUsed;
const built = timed(() => buildTimeline(spans, { asOf }));
const timeline = built.result;
console.log(
  `timeline   ${timeline.size.toLocaleString('en-US')} customers in ${built.ms.toFixed(0)} ms with buildTimeline ` +
    `(heap +${mb(process.memoryUsage().heapUsed - heapBefore)}, peak RSS ${mb(peakRss())})`,
);

const window = { from: start, to: asOf, rates };
const phases = {
  'monthly bridges': () => computeRetentionSeries(timeline, { ...window, granularity: 'MONTH' }),
  'trailing-12m NRR/GRR': () =>
    computeRetentionSeries(timeline, { ...window, granularity: 'MONTH', method: 'TRAILING_12M' }),
  'monthly cohort table': () =>
    computeCohorts(timeline, {
      ...window,
      granularity: 'MONTH',
      measure: 'REVENUE',
      view: 'PERCENT_OF_START',
    }),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(phases).map((name) => [name, []]));
const totals: number[] = [];
for (let run = 0; run < runs; run++) {
  let total = 0;
  for (const [name, phase] of Object.entries(phases)) {
    const { ms } = timed<unknown>(phase);
    times[name]?.push(ms);
    total += ms;
  }
  totals.push(total);
}
for (const [name, list] of Object.entries(times)) {
  console.log(`${name.padEnd(22)} median ${median(list).toFixed(0).padStart(5)} ms over ${runs} runs`);
}
const series = phases['monthly bridges']();
const last = series[series.length - 1];
console.log(
  `${'all figures'.padEnd(22)} median ${median(totals).toFixed(0).padStart(5)} ms (target < 1000 ms), peak RSS ${mb(peakRss())} (target < 1 GB)`,
);
console.log(
  `check: ${series.length} monthly bridges; last month NRR ${last?.nrr?.toFixed(4)}, GRR ${last?.grr?.toFixed(4)}, ending MRR ${((last?.endingMrr ?? 0) / 10_000).toFixed(0)} ${last?.currency}`,
);

// One annual retention question, warm (timeline built), under the defaults and under a set that
// changes every stage: Baremetrics' preset (a 1,440-minute grouping window), a 90-day reactivation
// window and New York's calendar. p99 over the runs (the highest but one of 100 when 100 runs).
const custom = resolveDefinitions({
  preset: 'BAREMETRICS',
  reactivationWindowDays: 90,
  timeZone: 'America/New_York',
});
const customTimeline = timelineUnder({ spans, asOf }, custom);
const year = { from: addMonths(start, 12), to: addMonths(start, 24), rates };
const questions = {
  'retention, defaults': () => computeRetention(timeline, year),
  'retention, custom set': () => computeRetention(customTimeline, { ...year, ...queryOptionsOf(custom) }),
};
const questionRuns = Math.max(20, runs * 20);
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1] as number;
// Interleaved, so that both questions meet the same collections and the same neighbours on the machine.
const lists = Object.values(questions).map((question) => {
  question();
  return [] as number[];
});
for (let run = 0; run < questionRuns; run++) {
  for (const [q, question] of Object.values(questions).entries()) lists[q]?.push(timed<unknown>(question).ms);
}
Object.keys(questions).forEach((name, q) => {
  const list = lists[q] as number[];
  console.log(
    `${name.padEnd(22)} p99 ${p99(list).toFixed(1).padStart(6)} ms, median ${median(list).toFixed(1)} ms over ${questionRuns} runs (warm)`,
  );
});
const [defaults, customized] = lists.map((list) => p99(list)) as [number, number];
console.log(`custom ÷ defaults       ${(customized / defaults).toFixed(2)}× at p99 (target ≤ 1.5×)`);
