import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileLines } from '../src/imports/file-source.ts';
import { runImport } from '../src/imports/run-import.ts';
import type { Api } from '../src/yoga.ts';
import { DBT_EXPECTED_BY_MONTH, DBT_PERIODS, readSimpleCsv } from './datasets.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

interface Point {
  from: string;
  to: string;
  startingMrr: { amount: string };
  newBusiness: { amount: string };
  reactivation: { amount: string };
  expansion: { amount: string };
  contraction: { amount: string };
  churn: { amount: string };
  endingMrr: { amount: string };
}

const SERIES = `{ retentionSeries(input: { from: "2018-01-01", to: "2020-03-01", granularity: MONTH }) {
  from to startingMrr { amount } newBusiness { amount } reactivation { amount } expansion { amount }
  contraction { amount } churn { amount } endingMrr { amount } } }`;

/** The same series under the playbook's preset, as an override or (without `$definitions`) the tenant's settings. */
const PRESET_SERIES = `query ($definitions: DefinitionsInput) {
  retentionSeries(input: { from: "2018-01-01", to: "2020-03-01", granularity: MONTH, definitions: $definitions }) {
  from to startingMrr { amount } newBusiness { amount } reactivation { amount } expansion { amount }
  contraction { amount } churn { amount } endingMrr { amount } definitions { preset coalesceWindowMinutes } } }`;

/** A series point in the playbook's terms. */
const bridgeOf = (point: Point) => ({
  from: point.from,
  startingMrr: point.startingMrr.amount,
  newBusiness: point.newBusiness.amount,
  reactivation: point.reactivation.amount,
  expansion: point.expansion.amount,
  contraction: point.contraction.amount,
  churn: point.churn.amount,
  endingMrr: point.endingMrr.amount,
});

/** The playbook's bridge in our terms: upgrade → expansion; downgrade and churn (negative there) → positive. */
function expectedBridge() {
  const positive = (value: string | undefined) => String(Math.abs(Number(value)));
  return readSimpleCsv(DBT_EXPECTED_BY_MONTH).map((row) => ({
    from: row.date_month,
    startingMrr: positive(row.starting_mrr),
    newBusiness: positive(row.new_mrr),
    reactivation: positive(row.reactivation_mrr),
    expansion: positive(row.upgrade_mrr),
    contraction: positive(row.downgrade_mrr),
    churn: positive(row.churn_mrr),
    endingMrr: positive(row.total_mrr),
  }));
}

describe.each(DATABASE_KINDS)('dbt MRR playbook imported into %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;
  const importPlaybook = async () =>
    runImport(test.database.db, {
      tenantId: 'dbt',
      format: 'periods',
      source: await fileLines(DBT_PERIODS),
      sourceName: DBT_PERIODS,
      actor: 'test',
    });

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'dbt');
  });
  afterAll(() => test.dispose());

  it('imports every period', async () => {
    const summary = await importPlaybook();
    expect(summary).toMatchObject({
      status: 'SUCCEEDED',
      rowsRead: 121,
      rowsStored: 121,
      rowsUnchanged: 0,
      dataVersion: 1,
    });
  });

  it('gives the playbook’s monthly bridge for every month from 2018-01 to 2020-02', async () => {
    const { body } = await graphql<{ retentionSeries: Point[] }>(api, SERIES, { credential: key });
    const series = body.data?.retentionSeries ?? [];
    const expected = expectedBridge();
    expect(expected).toHaveLength(26);
    expect(series.map(bridgeOf)).toEqual(expected);
  });

  it('gives the playbook’s bridge under preset DBT_PLAYBOOK, as an override and as the tenant’s settings', async () => {
    type PresetPoint = Point & { definitions: { preset: string | null; coalesceWindowMinutes: number } };
    const override = await graphql<{ retentionSeries: PresetPoint[] }>(api, PRESET_SERIES, {
      credential: key,
      variables: { definitions: { preset: 'DBT_PLAYBOOK' } },
    });
    expect(override.body.errors).toBeUndefined();
    const points = override.body.data?.retentionSeries ?? [];
    expect(points.map(bridgeOf)).toEqual(expectedBridge());
    expect(new Set(points.map((point) => JSON.stringify(point.definitions)))).toEqual(
      new Set([JSON.stringify({ preset: 'DBT_PLAYBOOK', coalesceWindowMinutes: 0 })]),
    );
    const set = await graphql(
      api,
      'mutation { updateTenantSettings(input: { preset: DBT_PLAYBOOK }) { settings { preset } } }',
      { credential: key },
    );
    expect(set.body.data).toEqual({ updateTenantSettings: { settings: { preset: 'DBT_PLAYBOOK' } } });
    try {
      const settled = await graphql<{ retentionSeries: PresetPoint[] }>(api, PRESET_SERIES, {
        credential: key,
      });
      expect(settled.body.data?.retentionSeries.map(bridgeOf)).toEqual(expectedBridge());
      expect(settled.body.data?.retentionSeries[0]?.definitions).toEqual({
        preset: 'DBT_PLAYBOOK',
        coalesceWindowMinutes: 0,
      });
    } finally {
      await graphql(api, 'mutation { updateTenantSettings(input: { preset: null }) { dataVersion } }', {
        credential: key,
      });
    }
  });

  it('leaves every figure unchanged when the same file is imported again', async () => {
    const before = await graphql(api, SERIES, { credential: key });
    const again = await importPlaybook();
    expect(again).toMatchObject({
      status: 'SUCCEEDED',
      rowsRead: 121,
      rowsStored: 0,
      rowsUnchanged: 121,
      customersAffected: 0,
      // Two settings changes since the first import (the preset test).
      dataVersion: 3,
    });
    const after = await graphql(api, SERIES, { credential: key });
    expect(after.body).toEqual(before.body);
  });
});
