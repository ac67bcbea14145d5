import { buildTimeline, computeRetention, createExchangeRates, generatePeriods, generatedPeriodToSpan, patchTimeline, generateExchangeRates } from '@nrr/core';
const customers = Number(process.argv[2] ?? 100000);
const spec = { customers, months: 36, seed: 42, start: Date.UTC(2023, 0, 1) };
const spans = [...generatePeriods(spec)].map((p) => generatedPeriodToSpan(p));
let t = performance.now();
const tl = buildTimeline(spans);
console.log('build', (performance.now() - t).toFixed(0));
const rates = createExchangeRates('USD', generateExchangeRates(spec));
const c = spans[0]!.customerId;
const mine = spans.filter((s) => s.customerId === c);
for (let i = 0; i < 5; i++) {
  t = performance.now();
  const p = patchTimeline(tl, { customerIds: [c], spans: [...mine, { ...mine[0]!, subscriptionId: 'x' + i, start: Date.UTC(2025, 10, 1), end: null, mrr: 100000 }] });
  const tp = performance.now() - t;
  t = performance.now();
  computeRetention(p, { from: Date.UTC(2025, 0, 1), to: Date.UTC(2026, 0, 1), rates });
  console.log('patch', tp.toFixed(1), 'retention', (performance.now() - t).toFixed(1));
}
