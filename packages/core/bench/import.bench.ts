/**
 * Import throughput: a generated 1,000,000-row subscription-periods file, read whole from a text
 * and streamed line by line from disk through node's readline. Prints rows, time and heap.
 * Run: pnpm tsx --conditions=@nrr/source bench/import.bench.ts
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readCsv, streamSubscriptionPeriods } from '../src/index.ts';

const ROWS = 1_000_000;
const lines = ['subscription_id,customer_id,start_date,end_date,monthly_amount,currency,plan,country'];
for (let i = 0; i < ROWS; i++) {
  const month = String((i % 12) + 1).padStart(2, '0');
  const plan = i % 7 === 0 ? '"Pro, annual"' : 'Basic';
  lines.push(
    `sub_${i},cus_${i % 50_000},2023-${month}-01,2024-${month}-01,${(i % 400) + 0.5},usd,${plan},NZ`,
  );
}
const text = lines.join('\n');
const dir = mkdtempSync(join(tmpdir(), 'nrr-bench-'));
const file = join(dir, 'periods.csv');
writeFileSync(file, text);
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;

async function measure(label: string, run: () => Promise<number>) {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  const started = performance.now();
  const count = await run();
  clearInterval(timer);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`${label}: ${count} rows in ${seconds} s, heap growth up to ${mb(peak - before)}`);
}

const fromDisk = () =>
  createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });

await measure('CSV records, text', async () => {
  let n = 0;
  for await (const record of readCsv(text)) if (record.ok) n++;
  return n - 1;
});
await measure('CSV records, streamed from disk', async () => {
  let n = 0;
  for await (const record of readCsv(fromDisk())) if (record.ok) n++;
  return n - 1;
});
await measure('subscription periods, streamed from disk', async () => {
  let n = 0;
  for await (const row of streamSubscriptionPeriods(fromDisk())) if (row.ok) n++;
  return n;
});
rmSync(dir, { recursive: true });
