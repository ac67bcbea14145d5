/**
 * Streams 100,000 customers × 36 months through the generator and the CSV writer without keeping
 * them, and prints throughput and peak memory. Run from the repository root:
 *   pnpm --filter @nrr/core exec tsx --conditions=@nrr/source bench/generate.bench.ts
 * Optional arguments: customers and months (`… generate.bench.ts 1000000 36`).
 */
import { generateBillingData, periodToCsvLine } from '../src/index.ts';

const customers = Number(process.argv[2] ?? 100_000);
const months = Number(process.argv[3] ?? 36);

const started = performance.now();
const cpuBefore = process.cpuUsage();
let rows = 0;
let subscriptions = 0;
let bytes = 0;
for (const customer of generateBillingData({ seed: 1, customers, months })) {
  const seen = new Set<string>();
  for (const period of customer.periods) {
    rows += 1;
    seen.add(period.subscriptionId);
    // What a file writer would do with each row, minus the disk.
    bytes += periodToCsvLine(period).length + 1;
  }
  subscriptions += seen.size;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

console.log(`generate ${customers.toLocaleString('en-US')} customers × ${months} months`);
console.log(
  `  rows           ${rows.toLocaleString('en-US')} (${subscriptions.toLocaleString('en-US')} subscriptions)`,
);
console.log(`  CSV size       ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
// On a shared machine wall time varies with load; CPU time (including GC threads) is steadier.
console.log(`  time           ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
console.log(`  rows/s         ${Math.round(rows / seconds).toLocaleString('en-US')}`);
console.log(`  customers/s    ${Math.round(customers / seconds).toLocaleString('en-US')}`);
console.log(`  peak RSS       ${peakRssMb.toFixed(0)} MiB`);
