import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreContender } from './src/contenders/core.ts';
import { writeDataset } from './src/dataset.ts';

const n = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'nrr-dev-'));
const ds = await writeDataset(dir, { customers: n, months: 36, seed: 42, start: Date.UTC(2023, 0, 1) });
const cs = await coreContender.load(ds);
for (let i = 0; i < 4; i++) {
  const r = await coreContender.figures(cs, ds);
  console.log(JSON.stringify(r.steps));
}
