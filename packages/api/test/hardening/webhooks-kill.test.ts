/**
 * Hardening, outbound webhooks across a crash: the API (`nrr serve`, a child process) enqueues an
 * import's movements and starts sending them; the receiver holds every request open, so each
 * message is either claimed and in flight or still waiting, and the API is killed with SIGKILL.
 * A new API on the same database sends every one of them once the dead process's leases expire:
 * nothing enqueued is lost, and each id is answered 2xx exactly once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/keys.ts';
import { type DatabaseTarget, openDatabase } from '../../src/db/connect.ts';
import { resultRows } from '../../src/db/tenant-scope.ts';
import { ensureTenant } from '../../src/tenants.ts';
import { createWebhookEndpoint } from '../../src/webhooks/endpoints.ts';
import { DATABASE_KINDS } from '../harness.ts';
import { eventually, startReceiver } from '../webhook-receiver.ts';
import { exitOf, startCli } from './cli-process.ts';

const CUSTOMERS = 40;
const PERIODS = `subscription_id,customer_id,start_date,end_date,monthly_amount,currency\n${Array.from(
  { length: CUSTOMERS },
  (_, i) => `s${i},c${i},2024-0${1 + (i % 9)}-01,,${10 + i},USD`,
).join('\n')}\n`;

/** The dispatcher's pacing in the child: a claim lasts 3 s, a POST at most 2 s. */
const WEBHOOK_ENV = {
  NRR_WEBHOOKS_ALLOW_PRIVATE: '1',
  NRR_WEBHOOKS_POLL_MS: '50',
  NRR_WEBHOOKS_BACKOFF_MS: '50',
  NRR_WEBHOOKS_TIMEOUT_MS: '2000',
  NRR_WEBHOOKS_LEASE_MS: '3000',
};

describe.each(DATABASE_KINDS)('webhooks survive kill -9 of the API (%s)', (kind) => {
  let dir: string;
  let target: DatabaseTarget;
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-webhooks-kill-'));
    if (kind === 'pglite') {
      const dataDir = join(dir, 'data');
      target = { kind: 'pglite', dataDir };
      env = { NRR_DATA_DIR: dataDir };
    } else {
      const adminUrl = process.env.DATABASE_URL as string;
      const name = `nrr_webhooks_kill_${randomBytes(6).toString('hex')}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      target = { kind: 'postgres', url: url.toString(), maxConnections: 2 };
      env = { DATABASE_URL: url.toString() };
      dropDatabase = async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      };
    }
  });
  afterAll(async () => {
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `nrr serve` and returns its child process and base URL. */
  const serve = async () => {
    const run = startCli(['serve', '--port', '0'], { ...env, ...WEBHOOK_ENV });
    let url = '';
    await eventually(
      () => {
        url = /GraphQL API on (http:\/\/localhost:\d+)\/graphql/.exec(run.output())?.[1] ?? '';
        if (run.child.exitCode !== null) throw new Error(`nrr serve exited: ${run.output()}`);
        return url !== '';
      },
      'nrr serve to listen',
      60_000,
    );
    return { ...run, url };
  };

  it('loses no message enqueued before the kill, and delivers each id once', async () => {
    let holding = true;
    const receiver = await startReceiver(() => (holding ? 'hold' : 200));
    try {
      const seeding = await openDatabase(target);
      await seeding.migrate();
      await ensureTenant(seeding.db, { tenantId: 'acme' });
      const { secret: key } = await createApiKey(seeding.db, { tenantId: 'acme', scope: 'read_write' });
      await createWebhookEndpoint(seeding.db, 'acme', { url: receiver.url }, { allowPrivate: true });
      await seeding.close();

      const first = await serve();
      const imported = await fetch(`${first.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          query:
            'mutation ($text: String!) { importData(input: { format: PERIODS, text: $text }) { status rowsStored } }',
          variables: { text: PERIODS },
        }),
      });
      expect(await imported.json()).toEqual({
        data: { importData: { status: 'SUCCEEDED', rowsStored: CUSTOMERS } },
      });
      // Deliveries are in flight (held by the receiver): kill the API now.
      await eventually(() => receiver.received.length > 0, 'the first delivery to reach the receiver');
      first.child.kill('SIGKILL');
      expect((await exitOf(first.child)).signal).toBe('SIGKILL');
      const inFlight = receiver.received.length;
      expect(inFlight).toBeGreaterThan(0);
      expect(inFlight).toBeLessThan(CUSTOMERS);

      holding = false;
      const second = await serve();
      try {
        await eventually(
          () => new Set(receiver.delivered()).size >= CUSTOMERS,
          'every movement delivered',
          60_000,
        );
        // Give a wrongly repeated delivery the chance to show up.
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        second.child.kill('SIGTERM');
        await exitOf(second.child);
      }
      const delivered = receiver.delivered();
      expect(delivered).toHaveLength(CUSTOMERS);
      expect(new Set(delivered).size).toBe(CUSTOMERS);
      // The messages held when the API died were sent again by the new one.
      for (const held of receiver.received.slice(0, inFlight)) {
        expect(delivered).toContain(String(held.headers['webhook-id']));
      }
      const after = await openDatabase(target);
      try {
        const rows = resultRows<{ message_id: string; status: string }>(
          await after.db.execute(sql`select message_id, status from webhook_deliveries order by message_id`),
        );
        expect(rows).toHaveLength(CUSTOMERS);
        expect(rows.every((row) => row.status === 'delivered')).toBe(true);
        expect(rows.map((row) => row.message_id).sort()).toEqual([...delivered].sort());
        const kinds = resultRows<{ kind: string; n: number }>(
          await after.db.execute(
            sql`select payload->'data'->>'kind' as kind, count(*)::int as n from webhook_messages group by 1`,
          ),
        );
        expect(kinds).toEqual([{ kind: 'NEW', n: CUSTOMERS }]);
      } finally {
        await after.close();
      }
    } finally {
      await receiver.close();
    }
  }, 180_000);
});
