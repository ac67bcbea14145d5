import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { formatMoney, formatPercent } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiQueryError, runQuery } from '../src/client.ts';
import { CHURN_LIST_LIMIT, runReport } from '../src/report.ts';
import { parseAsOf, reportWindows } from '../src/windows.ts';
import { AS_OF, ask, sectionRows, startLiveApi } from './live-api.ts';

type Report = { nrr: number | null; grr: number | null; churn: { amount: string; currency: string } };
const RETENTION = `query ($input: RetentionInput!) { retention(input: $input) { nrr grr churn { amount currency } } }`;

describe('the analyst script against a live API', () => {
  let live: Awaited<ReturnType<typeof startLiveApi>>;
  let printout: string;
  const windows = reportWindows(parseAsOf(AS_OF));
  const retention = async (input: Record<string, unknown>) =>
    (await ask<{ retention: Report }>(live, RETENTION, { input })).retention;

  beforeAll(async () => {
    live = await startLiveApi();
    printout = await runReport(live, windows);
  });
  afterAll(() => live?.close());

  it('uses the windows of its as-of date: 2025, its last quarter, and 2024–2025 by quarter', () => {
    expect(windows).toEqual({
      lastTwelveMonths: { from: '2025-01-01', to: '2026-01-01' },
      lastQuarter: { from: '2025-10-01', to: '2026-01-01' },
      lastEightQuarters: { from: '2024-01-01', to: '2026-01-01' },
    });
  });

  it('prints trailing-12-month NRR and GRR for 12 months, each equal to retention() over its window', async () => {
    const rows = sectionRows(printout, 'Trailing-12-month NRR by month');
    expect(rows.map((row) => row[0])).toEqual([
      'Jan 2025',
      'Feb 2025',
      'Mar 2025',
      'Apr 2025',
      'May 2025',
      'Jun 2025',
      'Jul 2025',
      'Aug 2025',
      'Sep 2025',
      'Oct 2025',
      'Nov 2025',
      'Dec 2025',
    ]);
    expect(rows.at(-1)?.[1]).toBe('2025-01-01 – 2026-01-01');
    for (const row of rows) {
      const [from, to] = (row[1] ?? '').split(' – ');
      const report = await retention({ from, to });
      expect([row[4], row[5]], `${from} – ${to}`).toEqual([
        formatPercent(report.nrr),
        formatPercent(report.grr),
      ]);
    }
  });

  it('prints NRR by plan for every plan, each equal to retention() for that plan', async () => {
    const rows = sectionRows(printout, 'NRR by plan');
    const { segments } = await ask<{ segments: string[] }>(live, '{ segments(dimension: "plan") }');
    expect(rows.map((row) => row[0]).sort()).toEqual([...segments].sort());
    for (const row of rows) {
      const report = await retention({
        ...windows.lastTwelveMonths,
        segment: { attributes: [{ name: 'plan', values: [row[0]] }] },
      });
      expect([row[6], row[7]], row[0]).toEqual([formatPercent(report.nrr), formatPercent(report.grr)]);
    }
  });

  it('prints how many customers churned last quarter and the MRR they took, equal to the bridge’s churn', async () => {
    const { movements } = await ask<{ movements: { totalCount: number } }>(
      live,
      `query ($input: MovementsInput!) { movements(input: $input) { totalCount } }`,
      { input: { ...windows.lastQuarter, types: ['CHURN'] } },
    );
    const report = await retention({ ...windows.lastQuarter });
    expect(movements.totalCount).toBeGreaterThan(CHURN_LIST_LIMIT);
    expect(printout).toContain(
      `${movements.totalCount} customers churned, taking ${formatMoney(report.churn.amount, report.churn.currency)} of MRR.`,
    );
    const rows = sectionRows(printout, 'Churned customers');
    expect(rows).toHaveLength(CHURN_LIST_LIMIT);
    const lost = rows.map((row) => Number((row[4] ?? '').replace(/[$,]/g, '')));
    expect(lost).toEqual([...lost].sort((a, b) => b - a));
    for (const row of rows)
      expect(row[1] ? row[1] >= '2025-10-01' && row[1] < '2026-01-01' : false).toBe(true);
    expect(printout).toContain(`… and ${movements.totalCount - CHURN_LIST_LIMIT} more`);
  });

  it('prints the quarterly cohort table with each cell equal to the API’s absolute MRR over the first quarter’s', async () => {
    const { cohorts } = await ask<{
      cohorts: {
        rows: { label: string; size: number; initialMrr: { amount: string }; amounts: (string | null)[] }[];
      };
    }>(
      live,
      `query ($input: CohortsInput!) { cohorts(input: $input) { rows { label size initialMrr { amount } amounts } } }`,
      {
        input: { ...windows.lastEightQuarters, granularity: 'QUARTER', measure: 'REVENUE', view: 'ABSOLUTE' },
      },
    );
    const rows = sectionRows(printout, 'Revenue cohorts by quarter');
    expect(rows.map((row) => row[0]?.replace(' †', ''))).toEqual(cohorts.rows.map((row) => row.label));
    expect(rows).toHaveLength(8);
    cohorts.rows.forEach((cohort, index) => {
      const printed = rows[index] ?? [];
      expect(printed[1]).toBe(String(cohort.size));
      const observed = cohort.amounts.filter((amount) => amount !== null);
      const cells = printed.slice(3);
      expect(cells).toHaveLength(observed.length);
      observed.forEach((amount, age) => {
        const share = (Number(amount) / Number(cohort.initialMrr.amount)) * 100;
        expect(
          Math.abs(Number(cells[age]?.replace('%', '')) - share),
          `${cohort.label} Q${age}`,
        ).toBeLessThanOrEqual(0.5 + 1e-9);
      });
    });
  });

  it('prints annual NRR against published ranges, the figure equal to retention()', async () => {
    const report = await retention({ ...windows.lastTwelveMonths });
    expect(printout).toContain(
      `NRR ${formatPercent(report.nrr)} (2025-01-01 – 2026-01-01) against published ranges`,
    );
    const rows = sectionRows(printout, `NRR ${formatPercent(report.nrr)} (`);
    expect(rows.map((row) => row[0])).toEqual([
      'B2B SaaS overall',
      'SMB SaaS',
      'Mid-market SaaS',
      'Enterprise SaaS',
      'SaaS, general tiers',
    ]);
    // B2B SaaS overall is "100% and above": within exactly when NRR reaches 100%.
    expect(rows[0]?.[2]).toBe((report.nrr ?? 0) >= 1 ? 'within' : expect.stringMatching(/ pts below$/));
    // Enterprise SaaS is 120–135%: the printed distance is the API's figure's distance to 120%.
    const enterprise = rows[3]?.[2] ?? '';
    const nrr = (report.nrr ?? 0) * 100;
    if (nrr < 120) expect(enterprise).toBe(`${(120 - nrr).toFixed(1)}\u00a0pts below`);
  });

  it('runs as a command (`run queries`) with NRR_API_URL, NRR_API_KEY and NRR_AS_OF and prints the same report', async () => {
    const root = resolve(import.meta.dirname, '..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=@nrr/source', 'src/main.ts'],
      { cwd: root, env: { ...process.env, NRR_API_URL: live.url, NRR_API_KEY: live.key, NRR_AS_OF: AS_OF } },
    );
    expect(stdout.trimEnd()).toBe(printout);
  });

  it('fails with the API’s code on a bad key, and with NETWORK when nothing listens', async () => {
    await expect(
      runQuery({ url: live.url, key: 'nrr_sk_not-a-key' }, '{ segmentDimensions }', {}),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const unreachable = runQuery({ url: 'http://127.0.0.1:9', key: live.key }, '{ segmentDimensions }', {});
    await expect(unreachable).rejects.toBeInstanceOf(ApiQueryError);
    await expect(unreachable).rejects.toMatchObject({ code: 'NETWORK' });
  });
});

describe('as-of dates', () => {
  it('accepts a calendar date and refuses impossible ones, saying what was expected', () => {
    expect(parseAsOf('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(() => parseAsOf('2026-02-30')).toThrow(
      'as-of date: got "2026-02-30", expected a date such as 2026-11-22',
    );
    expect(() => parseAsOf('22/11/2026')).toThrow(RangeError);
  });
});
