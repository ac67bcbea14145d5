/**
 * The contenders' SQL and floor must keep computing @nrr/core's figures: on a small generated
 * dataset (two currencies, every kind of movement), DuckDB's and the floor's figures equal the
 * engine's exactly, and so do Postgres's when DATABASE_URL names a server (CI sets it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreContender } from '../src/contenders/core.ts';
import { duckDbContender } from '../src/contenders/duckdb.ts';
import { floorContender } from '../src/contenders/floor.ts';
import { type Dataset, writeDataset } from '../src/dataset.ts';
import { assertSameFigures, compareFigures, type Figures, FiguresMismatchError } from '../src/figures.ts';

let dir: string;
let dataset: Dataset;
let reference: Figures;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nrr-bench-test-'));
  dataset = await writeDataset(dir, { customers: 1500, months: 36, seed: 7, start: Date.UTC(2023, 0, 1) });
  const state = await coreContender.load(dataset);
  reference = (await coreContender.figures(state, dataset)).figures;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the reference figures', () => {
  it('exercise every movement, both currencies and every table', () => {
    const total = (field: 'newBusiness' | 'reactivation' | 'expansion' | 'contraction' | 'churn') =>
      reference.months.reduce((sum, month) => sum + month[field], 0);
    for (const field of ['newBusiness', 'reactivation', 'expansion', 'contraction', 'churn'] as const) {
      expect(total(field), field).toBeGreaterThan(0);
    }
    expect(reference.months).toHaveLength(36);
    expect(reference.trailing.filter((t) => t.nrr !== null).length).toBe(24);
    expect(reference.cohorts.length).toBe(36);
    expect(reference.cohorts[0]?.mrr).toHaveLength(36);
    expect(dataset.rows).toBeGreaterThan(2000);
  });

  it('balance every monthly bridge', () => {
    for (const m of reference.months) {
      expect(m.startingMrr + m.newBusiness + m.reactivation + m.expansion - m.contraction - m.churn).toBe(
        m.endingMrr,
      );
    }
  });
});

describe('contenders agree with @nrr/core', () => {
  it('DuckDB, running the dbt-playbook SQL', async () => {
    const state = await duckDbContender.load(dataset);
    try {
      const { figures } = await duckDbContender.figures(state, dataset);
      expect(compareFigures(reference, figures)).toBeUndefined();
    } finally {
      await duckDbContender.close(state);
    }
  });

  it('the floor, one pass over the customer × boundary matrix', async () => {
    const state = await floorContender.load(dataset);
    const { figures } = await floorContender.figures(state, dataset);
    expect(compareFigures(reference, figures)).toBeUndefined();
  });

  it.skipIf(!process.env.DATABASE_URL)('Postgres, running the same SQL (DATABASE_URL)', async () => {
    const { postgresContender } = await import('../src/contenders/postgres.ts');
    const state = await postgresContender.load(dataset);
    try {
      const { figures } = await postgresContender.figures(state, dataset);
      expect(compareFigures(reference, figures)).toBeUndefined();
    } finally {
      await postgresContender.close(state);
    }
  });
});

describe('the check', () => {
  const changed = (edit: (copy: { -readonly [K in keyof Figures]: Figures[K] }) => void): Figures => {
    const copy = structuredClone(reference) as { -readonly [K in keyof Figures]: Figures[K] };
    edit(copy);
    return copy;
  };

  it('names the first month whose bridge is off by one unit', () => {
    const actual = changed((f) => {
      f.months = f.months.map((m, i) => (i === 20 ? { ...m, expansion: m.expansion + 1 } : m));
    });
    expect(compareFigures(reference, actual)).toEqual({
      table: 'months',
      row: reference.months[20]?.month,
      field: 'expansion',
      expected: reference.months[20]?.expansion,
      actual: (reference.months[20]?.expansion ?? 0) + 1,
    });
    expect(() => assertSameFigures('DuckDB', reference, actual)).toThrow(FiguresMismatchError);
    expect(() => assertSameFigures('DuckDB', reference, actual)).toThrow(
      `DuckDB disagrees with @nrr/core in months at ${reference.months[20]?.month}, expansion`,
    );
  });

  it('allows ratios to differ by 1e-9 and no more', () => {
    const within = changed((f) => {
      f.trailing = f.trailing.map((t, i) => (i === 30 && t.nrr !== null ? { ...t, nrr: t.nrr + 5e-10 } : t));
    });
    const beyond = changed((f) => {
      f.trailing = f.trailing.map((t, i) => (i === 30 && t.nrr !== null ? { ...t, nrr: t.nrr + 5e-9 } : t));
    });
    expect(compareFigures(reference, within)).toBeUndefined();
    expect(compareFigures(reference, beyond)).toMatchObject({ table: 'trailing', field: 'nrr' });
  });

  it('finds a cohort cell that differs and a missing cohort', () => {
    const cell = changed((f) => {
      f.cohorts = f.cohorts.map((c, i) =>
        i === 3 ? { ...c, mrr: c.mrr.map((v, k) => (k === 5 && v !== null ? v - 1 : v)) } : c,
      );
    });
    expect(compareFigures(reference, cell)).toMatchObject({ table: 'cohorts', field: 'mrr[5]' });
    const missing = changed((f) => {
      f.cohorts = f.cohorts.slice(0, -1);
    });
    expect(compareFigures(reference, missing)).toMatchObject({ table: 'cohorts', field: '(row missing)' });
  });
});
