/**
 * The benchmark's dataset: core's seeded generator written once to a subscription-periods CSV and
 * a rate table CSV in a directory, with a manifest, so every contender reads the same files.
 */
import { once } from 'node:events';
import { closeSync, createWriteStream, fsyncSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addMonths,
  type FxRate,
  generateExchangeRates,
  generatePeriods,
  parseInstant,
  periodsCsvHeader,
  periodToCsvLine,
  toIsoDate,
} from '@nrr/core';

/** What to generate: the same spec always gives byte-identical files. */
export interface DatasetSpec {
  /** Number of customers. */
  readonly customers: number;
  /** Length of the window in months; default in the CLI 36. */
  readonly months: number;
  /** Generator seed. */
  readonly seed: number;
  /** First instant of the window (midnight UTC on the 1st of a month). */
  readonly start: number;
}

/** A dataset on disk, as described by its `dataset.json`. */
export interface Dataset extends DatasetSpec {
  readonly dir: string;
  /** Subscription-periods CSV (`periodsCsvHeader` columns), one row per period. */
  readonly periodsPath: string;
  /** `currency,effective_date,rate`: one rate per non-reporting currency per month. */
  readonly ratesPath: string;
  /** Reporting currency of every figure. */
  readonly reportingCurrency: string;
  /** End of known data: `start` + `months`. */
  readonly asOf: number;
  /** Period rows in the CSV (header excluded). */
  readonly rows: number;
  /** Size of the periods CSV in bytes. */
  readonly bytes: number;
}

const MANIFEST = 'dataset.json';

/** Generates the dataset into `dir` (which must exist) and writes its manifest. */
export async function writeDataset(dir: string, spec: DatasetSpec): Promise<Dataset> {
  const periodsPath = join(dir, 'periods.csv');
  const ratesPath = join(dir, 'fx-rates.csv');
  const out = createWriteStream(periodsPath);
  let rows = 0;
  let bytes = 0;
  let chunk: string[] = [periodsCsvHeader];
  const flush = async () => {
    const text = `${chunk.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    chunk = [];
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const period of generatePeriods(spec)) {
    chunk.push(periodToCsvLine(period));
    rows++;
    if (chunk.length >= 20_000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  // On disk before anything is timed: the kernel's writeback of a fresh 80–150 MB file would
  // otherwise land in the first timed steps (an import measured 10–15% slower right after).
  const written = openSync(periodsPath, 'r');
  try {
    fsyncSync(written);
  } finally {
    closeSync(written);
  }

  const rates = generateExchangeRates(spec);
  const rateLines = rates.map((r) => `${r.currency},${toIsoDate(r.effective)},${r.rate}`);
  writeFileSync(ratesPath, `currency,effective_date,rate\n${rateLines.join('\n')}\n`);

  const dataset: Dataset = {
    ...spec,
    dir,
    periodsPath,
    ratesPath,
    reportingCurrency: 'USD',
    asOf: addMonths(spec.start, spec.months),
    rows,
    bytes,
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(dataset, null, 2)}\n`);
  return dataset;
}

/** Reads the manifest a {@link writeDataset} call left in `dir`. */
export function readDataset(dir: string): Dataset {
  return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Dataset;
}

/** The rate table of a dataset, parsed back from its CSV (rates round-trip exactly through their shortest decimal). */
export function readRates(dataset: Dataset): FxRate[] {
  const lines = readFileSync(dataset.ratesPath, 'utf8').trim().split('\n').slice(1);
  return lines.map((line, i) => {
    const [currency, date, rate] = line.split(',');
    const effective = parseInstant(date ?? '');
    if (!currency || effective === undefined || !(Number(rate) > 0)) {
      throw new Error(`${dataset.ratesPath}:${i + 2}: expected currency,YYYY-MM-DD,rate, got "${line}"`);
    }
    return { currency, effective, rate: Number(rate) };
  });
}
