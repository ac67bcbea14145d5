/**
 * `nrr stripe …` on an embedded database: `connect` stores a secret encrypted (never printed, never
 * stored in clear), lists and removes it by fingerprint, under a secrets key created 0600 in the
 * data directory; `backfill` imports saved `GET /v1/events` and `GET /v1/subscriptions` pages
 * into the spans the same events give, refusing a bad page whole.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { resultRows } from '../src/db/tenant-scope.ts';
import { runNrr } from './harness.ts';
import { at, CUSTOMER_EVENTS, IGNORED_EVENT, SUBSCRIPTION_EVENTS } from './stripe-fixtures.ts';

const SECRET = 'whsec_cli_test_secret_abcdefghijklmnop';

describe('nrr stripe', () => {
  let dir: string;
  let files: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-stripe-'));
    files = mkdtempSync(join(tmpdir(), 'nrr-stripe-pages-'));
    expect((await runNrr(dir, ['tenants', 'create', 'shop'])).code).toBe(0);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  /** Spans of a tenant as text lines, read with the CLI closed. */
  async function spans(tenantId: string): Promise<string[]> {
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const rows = resultRows<{ line: string }>(
        await database.db.execute(sql`
          select s.customer_id || ' ' || s.subscription_id || ' ' || to_char(s.start_at at time zone 'UTC', 'YYYY-MM-DD') || ' '
            || coalesce(to_char(s.end_at at time zone 'UTC', 'YYYY-MM-DD'), 'open') || ' ' || s.mrr::text || ' ' || a.attributes::text as line
          from mrr_spans s join span_attribute_sets a on a.tenant_id = s.tenant_id and a.set_id = s.attributes_id
          where s.tenant_id = ${tenantId} order by s.customer_id, s.subscription_id, s.start_at`),
      );
      return rows.map((row) => row.line);
    } finally {
      await database.close();
    }
  }

  it('connect stores a secret encrypted, prints only its fingerprint, lists and removes it', async () => {
    const connected = await runNrr(dir, ['stripe', 'connect', '--tenant', 'shop', '--secret', SECRET]);
    expect(connected.code).toBe(0);
    expect(connected.out.join('\n')).not.toContain(SECRET.slice(6));
    const fingerprint = /Stripe secret (fp_[0-9a-f]{16})/.exec(connected.out[0] ?? '')?.[1];
    expect(connected.out[0]).toMatch(
      /^stored Stripe secret fp_[0-9a-f]{16} for shop \(encrypted; it is not shown again\)/,
    );
    const again = await runNrr(dir, ['stripe', 'connect', '--tenant', 'shop', '--secret', SECRET]);
    expect(again.out[0]).toMatch(/^already stored: Stripe secret /);
    const second = await runNrr(dir, ['stripe', 'connect', '--tenant', 'shop', '--secret', `${SECRET}_next`]);
    expect(second.code).toBe(0);
    const listed = await runNrr(dir, ['stripe', 'secrets', '--tenant', 'shop']);
    expect(listed.out).toHaveLength(2);
    expect(listed.out[0]?.split('\t')[0]).toBe(fingerprint);
    // At rest: neither the secret nor any long piece of it, under a key only the owner can read.
    const keyFile = statSync(join(dir, 'secrets-key'));
    expect(keyFile.mode & 0o777).toBe(0o600);
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const stored = resultRows<{ secret_encrypted: string }>(
        await database.db.execute(sql`select secret_encrypted from stripe_endpoint_secrets`),
      );
      expect(stored).toHaveLength(2);
      for (const row of stored) {
        expect(row.secret_encrypted).toMatch(/^v1\./);
        expect(row.secret_encrypted).not.toContain('cli_test_secret');
      }
    } finally {
      await database.close();
    }
    const otherFingerprint = listed.out[1]?.split('\t')[0] as string;
    const removed = await runNrr(dir, [
      'stripe',
      'connect',
      '--tenant',
      'shop',
      '--remove',
      otherFingerprint,
    ]);
    expect(removed.out).toEqual([
      `removed Stripe secret ${otherFingerprint} of shop; secrets left: ${fingerprint}`,
    ]);
    const missing = await runNrr(dir, [
      'stripe',
      'connect',
      '--tenant',
      'shop',
      '--remove',
      'fp_0000000000000000',
    ]);
    expect({ code: missing.code, err: missing.err }).toEqual({
      code: 1,
      err: [`stripe: tenant shop has no Stripe secret fp_0000000000000000; stored: ${fingerprint}`],
    });
    const bad = await runNrr(dir, ['stripe', 'connect', '--tenant', 'shop', '--secret', 'sk_live_oops']);
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toMatch(/--secret: expected the endpoint’s signing secret, whsec_/);
    expect(bad.err.join('\n')).not.toContain('sk_live_oops');
    const noTenant = await runNrr(dir, ['stripe', 'connect', '--tenant', 'nobody', '--secret', SECRET]);
    expect(noTenant.err).toEqual(['stripe: tenant "nobody" does not exist (nrr tenants create nobody)']);
  });

  it('backfill imports saved events pages (paginated) into the spans of the same events', async () => {
    const all = [...SUBSCRIPTION_EVENTS, ...CUSTOMER_EVENTS, IGNORED_EVENT].reverse(); // newest first, as Stripe lists
    const first = join(files, 'events-1.json');
    const second = join(files, 'events-2.json');
    writeFileSync(
      first,
      JSON.stringify({ object: 'list', data: all.slice(0, 7), has_more: true, url: '/v1/events' }),
    );
    writeFileSync(
      second,
      JSON.stringify({ object: 'list', data: all.slice(6), has_more: false, url: '/v1/events' }),
    );
    const result = await runNrr(dir, ['stripe', 'backfill', '--tenant', 'shop', first, second]);
    expect(result.err).toEqual([]);
    expect(result.out[0]).toMatch(
      /^backfilled 15 records from 2 pages into shop: 6 spans stored, 0 unchanged, 2 customers updated, 1 events of other types skipped \(import imp_/,
    );
    const country = (code: string) => `"country": "${code}"`;
    const lines = await spans('shop');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^cus_1 sub_1 2024-01-01 2024-01-15 0\.0000 /);
    expect(lines[4]).toMatch(/^cus_1 sub_1 2024-04-01 2024-08-01 144\.0000 /);
    expect(lines[4]).toContain(country('DE'));
    expect(lines[5]).toMatch(/^cus_2 sub_2 2024-01-10 open 100\.0000 .*"country": "US"/);
    const repeated = await runNrr(dir, ['stripe', 'backfill', '--tenant', 'shop', second, first]);
    expect(repeated.out[0]).toMatch(/: 0 spans stored, 6 unchanged, 0 customers updated/);
  });

  it('backfill reads a subscriptions page as snapshots: trial, then the current price, then the end', async () => {
    expect((await runNrr(dir, ['tenants', 'create', 'snap'])).code).toBe(0);
    const page = join(files, 'subscriptions.json');
    const base = SUBSCRIPTION_EVENTS[8]?.data.object as Record<string, unknown>;
    const active = SUBSCRIPTION_EVENTS[9]?.data.object as Record<string, unknown>;
    writeFileSync(
      page,
      JSON.stringify({
        object: 'list',
        has_more: false,
        data: [
          {
            ...base,
            start_date: at('2024-01-01'),
            trial_start: at('2024-01-01'),
            trial_end: at('2024-01-15'),
          },
          { ...active, start_date: at('2024-01-10') },
        ],
      }),
    );
    const result = await runNrr(dir, ['stripe', 'backfill', '--tenant', 'snap', page]);
    expect(result.err).toEqual([]);
    expect((await spans('snap')).map((line) => line.split(' ').slice(0, 5).join(' '))).toEqual([
      'cus_1 sub_1 2024-01-01 2024-01-15 0.0000',
      // The current price from the trial's end; its coupon applies from its own start.
      'cus_1 sub_1 2024-01-15 2024-04-01 160.0000',
      'cus_1 sub_1 2024-04-01 2024-08-01 144.0000',
      'cus_2 sub_2 2024-01-10 open 100.0000',
    ]);
  });

  it('refuses a file that is not a list page, and a page with a bad record, storing nothing', async () => {
    const notList = join(files, 'not-a-list.json');
    writeFileSync(notList, JSON.stringify(SUBSCRIPTION_EVENTS));
    const refused = await runNrr(dir, ['stripe', 'backfill', '--tenant', 'shop', notList]);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(
      /^stripe: not-a-list\.json: line 1, field "\(document\)": got .*expected a saved Stripe list page/,
    );
    const badPage = join(files, 'bad.json');
    const broken = {
      ...SUBSCRIPTION_EVENTS[2],
      id: 'evt_bad',
      data: { object: { ...SUBSCRIPTION_EVENTS[2]?.data.object, status: 'exploded' } },
    };
    writeFileSync(
      badPage,
      JSON.stringify({ object: 'list', data: [IGNORED_EVENT, broken], has_more: false }),
    );
    const before = await spans('shop');
    const failed = await runNrr(dir, ['stripe', 'backfill', '--tenant', 'shop', badPage]);
    expect(failed.code).toBe(1);
    expect(failed.err[0]).toMatch(/^nothing was imported: /);
    expect(failed.err[1]).toMatch(
      /^ {2}bad\.json: line 2, field "data\.object\.status": got "exploded", expected/,
    );
    expect(await spans('shop')).toEqual(before);
  });
});
