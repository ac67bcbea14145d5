/**
 * `nrr compare` (issue 14's definition diff on the command line), in-process against an embedded
 * database: both bridges side by side, b − a per line and the differing customers, as text and
 * as JSON; the settings options of `nrr tenants settings --set`; bad input named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_EVENTS } from './definitions-fixture.ts';
import { runNrr } from './harness.ts';

const nrr = (dir: string, ...argv: string[]) => runNrr(dir, argv);
const WINDOW = ['--from', '2024-02-01', '--to', '2024-06-01'];

describe('nrr compare', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-compare-'));
    const events = join(dir, 'events.jsonl');
    writeFileSync(events, DEFINITIONS_EVENTS);
    expect((await nrr(dir, 'import', '--tenant', 'acme', '--format', 'events', events)).code).toBe(0);
    expect((await nrr(dir, 'tenants', 'create', 'beta')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints both bridges, b − a per line and who differs (see definitions-fixture.ts)', async () => {
    const compared = await nrr(
      dir,
      'compare',
      '--tenant',
      'acme',
      ...WINDOW,
      '--a-preset',
      'CHARTMOGUL',
      '--b-preset',
      'PROFITWELL',
      '--b',
      'reactivationWindowDays=30',
      '--limit',
      '2',
    );
    expect(compared).toEqual({
      code: 0,
      out: [
        '2024-02-01 to 2024-06-01 in USD: a = CHARTMOGUL, b = PROFITWELL reactivationWindowDays=30',
        'line\ta\tb\tb − a',
        'startingMrr\t535\t535\t0',
        'newBusiness\t0\t30\t+30',
        'reactivation\t30\t0\t-30',
        'expansion\t15\t15\t0',
        'contraction\t20\t20\t0',
        // CHARTMOGUL keeps e's unpaid 60 and b's paused 50; PROFITWELL churns both.
        'churn\t200\t310\t+110',
        'endingMrr\t360\t250\t-110',
        // NRR 330 / 535 against 220 / 535, GRR 315 / 535 against 205 / 535: both 110 / 535 lower.
        'nrr\t61.7%\t41.1%\t-20.6\u00a0pts',
        'grr\t58.9%\t38.3%\t-20.6\u00a0pts',
        'customers differing: 3',
        'e\ta: none\tb: CHURN 60\tchurn +60, endingMrr -60',
        'b\ta: none\tb: CHURN 50\tchurn +50, endingMrr -50',
        '… and 1 more (--limit)',
      ],
      err: [],
    });
  });

  it('--json prints the same figures as data; a missing --a is the tenant’s settings', async () => {
    const { code, out, err } = await nrr(
      dir,
      'compare',
      '--tenant',
      'acme',
      ...WINDOW,
      '--b',
      'grain=SUBSCRIPTION',
      '--json',
      '--limit',
      '1',
    );
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const printed = JSON.parse(out.join('\n'));
    expect(printed.a.definitions).toMatchObject({ preset: null, grain: 'CUSTOMER', customizedOptions: [] });
    expect(printed.b.definitions).toMatchObject({ grain: 'SUBSCRIPTION', customizedOptions: ['grain'] });
    expect(printed.difference).toEqual({
      startingMrr: '0',
      newBusiness: '30',
      reactivation: '-30',
      expansion: '0',
      contraction: '-20',
      churn: '20',
      endingMrr: '0',
    });
    // The grain moves 20 from contraction to churn; under both the cohort keeps 270 of its 535
    // (535 + 15 expansion − 280 lost) and 255 gross (535 − 280): the ratios do not move.
    expect({ a: printed.a.nrr, b: printed.b.nrr, difference: printed.nrrDifference }).toEqual({
      a: 270 / 535,
      b: 270 / 535,
      difference: 0,
    });
    expect({ a: printed.a.grr, b: printed.b.grr, difference: printed.grrDifference }).toEqual({
      a: 255 / 535,
      b: 255 / 535,
      difference: 0,
    });
    expect(printed.customers.totalCount).toBe(5);
    // f's new subscription: a reactivation of the customer, new business of the subscription.
    expect(printed.customers.first).toEqual([
      {
        customerId: 'f',
        a: {
          bridge: { ...ZERO, reactivation: '30', endingMrr: '30' },
          movements: [{ entityId: 'f', type: 'REACTIVATION', amount: '30' }],
        },
        b: {
          bridge: { ...ZERO, newBusiness: '30', endingMrr: '30' },
          movements: [{ entityId: 'sf2', type: 'NEW', amount: '30' }],
        },
        difference: { ...ZERO, newBusiness: '30', reactivation: '-30' },
      },
    ]);
  });

  it('a tenant’s comparison is its own: another tenant’s customers never appear', async () => {
    const beta = await nrr(dir, 'compare', '--tenant', 'beta', ...WINDOW, '--b-preset', 'PROFITWELL');
    expect(beta.code).toBe(0);
    expect(beta.out.slice(2)).toEqual([
      'startingMrr\t0\t0\t0',
      'newBusiness\t0\t0\t0',
      'reactivation\t0\t0\t0',
      'expansion\t0\t0\t0',
      'contraction\t0\t0\t0',
      'churn\t0\t0\t0',
      'endingMrr\t0\t0\t0',
      // No starting MRR: no ratios under either set.
      'nrr\t—\t—\t—',
      'grr\t—\t—\t—',
      'customers differing: 0',
    ]);
  });

  it('refuses bad input naming the option and what is expected', async () => {
    expect(await nrr(dir, 'compare', '--tenant', 'acme', ...WINDOW, '--b', 'pause=SOMETIMES')).toEqual({
      code: 1,
      out: [],
      err: ['compare: --b: pause: "SOMETIMES" is not allowed; allowed: KEEP, ZERO, CHURN'],
    });
    expect(
      (await nrr(dir, 'compare', '--tenant', 'acme', ...WINDOW, '--a-preset', 'CHARTMUGGLE')).err[0],
    ).toMatch(/^compare: --a: preset: "CHARTMUGGLE" is not allowed/);
    expect(
      (await nrr(dir, 'compare', '--tenant', 'acme', '--from', '2024-02-30', '--to', '2024-06-01')).err,
    ).toEqual(['compare: --from: got "2024-02-30", expected a date YYYY-MM-DD']);
    expect(
      (
        await nrr(
          dir,
          'compare',
          '--tenant',
          'acme',
          '--from',
          '2024-06-01',
          '--to',
          '2024-02-01',
          '--b-preset',
          'STRIPE',
        )
      ).err,
    ).toEqual(['compare: to: must be later than from (periods are half-open, [from, to))']);
    expect(
      (await nrr(dir, 'compare', '--tenant', 'acme', ...WINDOW, '--b-preset', 'STRIPE', '--segment', 'plan'))
        .err,
    ).toEqual(['compare: --segment: got "plan", expected name=value[,value…] (an attribute, or size_band)']);
    expect((await nrr(dir, 'compare', '--tenant', 'acme', ...WINDOW)).err).toEqual([
      'compare: --b name=value (or --b-preset P): the definitions to compare with the tenant’s settings (or with --a)',
    ]);
    expect((await nrr(dir, 'compare', '--tenant', 'nobody', ...WINDOW, '--b-preset', 'STRIPE')).err).toEqual([
      'compare: tenant "nobody" does not exist',
    ]);
  });
});

const ZERO = {
  startingMrr: '0',
  newBusiness: '0',
  reactivation: '0',
  expansion: '0',
  contraction: '0',
  churn: '0',
  endingMrr: '0',
};
