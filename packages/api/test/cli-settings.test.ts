/**
 * `nrr tenants settings --tenant T [--set name=value …]` (issue 14), in-process against an
 * embedded database: prints the resolved settings, changes them with core's
 * `parseDefinitionSetting` reading of each value, and refuses invalid ones naming the setting and
 * what is allowed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_EVENTS } from './definitions-fixture.ts';
import { runNrr } from './harness.ts';

const nrr = (dir: string, ...argv: string[]) => runNrr(dir, argv);

const DEFAULT_LINES = [
  'preset\t-',
  'grain\tCUSTOMER',
  'churnDate\tEND_OF_SERVICE',
  'reactivationWindowDays\tnull',
  'coalesceWindowMinutes\t60',
  'discounts\tALL_RECURRING',
  'pastDueChurnDays\tnull',
  'unpaid\tCHURN',
  'pause\tKEEP',
  'sizeBandMidMarket\t1000',
  'sizeBandEnterprise\t10000',
  'timeZone\tUTC',
];

describe('nrr tenants settings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-settings-'));
    const events = join(dir, 'events.jsonl');
    writeFileSync(events, DEFINITIONS_EVENTS);
    const imported = await nrr(dir, 'import', '--tenant', 'acme', '--format', 'events', events);
    expect(imported.code).toBe(0);
    expect((await nrr(dir, 'tenants', 'create', 'beta')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the engine’s defaults for a tenant never set', async () => {
    expect(await nrr(dir, 'tenants', 'settings', '--tenant', 'acme')).toEqual({
      code: 0,
      out: DEFAULT_LINES,
      err: [],
    });
  });

  it('changes settings with --set, recomputing event spans for span options, and prints the result', async () => {
    const changed = await nrr(
      dir,
      'tenants',
      'settings',
      '--tenant',
      'acme',
      '--set',
      'preset=STRIPE',
      '--set',
      'pause=KEEP',
      '--set',
      'sizeBandMidMarket=1500.50',
      '--set',
      'reactivationWindowDays=90',
    );
    expect(changed).toEqual({
      code: 0,
      out: [
        // Eleven subscriptions have events; the preset changes discounts and pause.
        'acme: settings changed (data version 2, spans of 11 subscriptions recomputed from their events)',
        'preset\tSTRIPE',
        'grain\tCUSTOMER',
        'churnDate\tCANCELLATION',
        'reactivationWindowDays\t90',
        'coalesceWindowMinutes\t60',
        'discounts\tONLY_FOREVER',
        'pastDueChurnDays\tnull',
        'unpaid\tCHURN',
        'pause\tKEEP',
        'sizeBandMidMarket\t1500.5',
        'sizeBandEnterprise\t10000',
        'timeZone\tUTC',
      ],
      err: [],
    });
    // Settings are per tenant.
    expect((await nrr(dir, 'tenants', 'settings', '--tenant', 'beta')).out).toEqual(DEFAULT_LINES);
    const same = await nrr(dir, 'tenants', 'settings', '--tenant', 'acme', '--set', 'pause=KEEP');
    expect(same.out[0]).toBe('acme: settings unchanged');
    const back = await nrr(
      dir,
      'tenants',
      'settings',
      '--tenant',
      'acme',
      '--set',
      'preset=null',
      '--set',
      'reactivationWindowDays=null',
      '--set',
      'sizeBandMidMarket=1000',
    );
    expect(back.out).toEqual([
      'acme: settings changed (data version 3, spans of 11 subscriptions recomputed from their events)',
      ...DEFAULT_LINES,
    ]);
  });

  it('refuses invalid values naming each setting and what is allowed, changing nothing', async () => {
    const refused = await nrr(
      dir,
      'tenants',
      'settings',
      '--tenant',
      'acme',
      '--set',
      'grain=DAY',
      '--set',
      'coalesceWindowMinutes=ten',
      '--set',
      'nope=1',
      '--set',
      'pause',
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      'tenants: --set: grain: "DAY" is not allowed; allowed: CUSTOMER, SUBSCRIPTION; coalesceWindowMinutes: "ten" is not allowed; allowed: an integer from 0 to 10080; nope is not a definition option; the options are preset, grain, churnDate, reactivationWindowDays, coalesceWindowMinutes, discounts, pastDueChurnDays, unpaid, pause, sizeBandMidMarket, sizeBandEnterprise, timeZone; "pause" is not name=value; the names are preset, grain, churnDate, reactivationWindowDays, coalesceWindowMinutes, discounts, pastDueChurnDays, unpaid, pause, sizeBandMidMarket, sizeBandEnterprise, timeZone',
    ]);
    expect((await nrr(dir, 'tenants', 'settings', '--tenant', 'acme')).out).toEqual(DEFAULT_LINES);
    const missing = await nrr(dir, 'tenants', 'settings', '--tenant', 'nobody');
    expect(missing).toEqual({ code: 1, out: [], err: ['tenants: tenant "nobody" does not exist'] });
  });
});
