import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDataset } from './src/dataset.ts';
import { coreContender } from './src/contenders/core.ts';
import { floorContender, sumPerBoundary } from './src/contenders/floor.ts';
import { compareFigures } from './src/figures.ts';
const n = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'nrr-dev-'));
const ds = await writeDataset(dir, { customers: n, months: 36, seed: 42, start: Date.UTC(2023, 0, 1) });
const cs = await coreContender.load(ds);
const cf = await coreContender.figures(cs, ds);
const t0 = performance.now();
const d = await floorContender.load(ds);
console.log('load', performance.now() - t0);
for (let i = 0; i < 3; i++) { const df = await floorContender.figures(d, ds); console.log('floor', df.steps, compareFigures(cf.figures, df.figures)); }
const t1 = performance.now(); sumPerBoundary(d); console.log('sum', performance.now() - t1);
console.log('core', cf.steps);
