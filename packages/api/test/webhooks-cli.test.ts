/** `nrr webhooks …` on an embedded database: create (secret printed once), list, deliveries, redeliver, delete. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { openDatabase } from '../src/db/connect.ts';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.ts';
import { TEST_TOKEN_SECRET } from './harness.ts';
import { startReceiver, type WebhookReceiver } from './webhook-receiver.ts';

describe('nrr webhooks', () => {
  let dir: string;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-webhooks-cli-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const nrr = async (argv: string[], allowPrivate = true) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      (line) => out.push(line),
      (line) => err.push(line),
      {
        NRR_DATA_DIR: join(dir, 'data'),
        NRR_TOKEN_SECRET: TEST_TOKEN_SECRET,
        NRR_WEBHOOKS_ALLOW_PRIVATE: allowPrivate ? '1' : '0',
      },
    );
    return { code, out, err };
  };

  it('creates, lists, logs, redelivers and deletes endpoints', async () => {
    expect((await nrr(['tenants', 'create', 'acme'])).code).toBe(0);
    const refused = await nrr(['webhooks', 'create', '--tenant', 'acme', '--url', receiver.url], false);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(
      /^webhooks: url: 127\.0\.0\.1 resolves to 127\.0\.0\.1 is a loopback, private, link-local or otherwise non-public address/,
    );
    const created = await nrr([
      'webhooks',
      'create',
      '--tenant',
      'acme',
      '--url',
      receiver.url,
      '--event',
      'mrr.movement',
    ]);
    expect(created.code, created.err.join('\n')).toBe(0);
    const endpointId = /^created webhook endpoint (we_[0-9a-f]{16}) /.exec(created.out[0] ?? '')?.[1] ?? '';
    expect(created.out[0]).toBe(
      `created webhook endpoint ${endpointId} (${receiver.url}: mrr.movement) for acme; its signing secret is shown only once:`,
    );
    const secret = created.out[1] ?? '';
    expect(secret).toMatch(/^whsec_/);
    const listed = await nrr(['webhooks', 'list', '--tenant', 'acme']);
    expect(listed.out).toHaveLength(1);
    expect(listed.out[0]).toMatch(
      new RegExp(`^${endpointId}\\tactive\\t\\S+\\tmrr\\.movement\\t${receiver.url}$`),
    );
    expect(listed.out.join('\n')).not.toContain(secret);

    const file = join(dir, 'periods.csv');
    writeFileSync(
      file,
      'subscription_id,customer_id,start_date,end_date,monthly_amount\ns1,c1,2024-01-01,,100\n',
    );
    expect((await nrr(['import', '--tenant', 'acme', '--format', 'periods', file])).code).toBe(0);
    // The command line enqueues; a server's dispatcher sends (here one run in the test).
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'data') });
    const dispatcher = new WebhookDispatcher(database.db, { allowPrivate: true });
    expect(await dispatcher.runOnce()).toBe(1);
    const messageId = receiver.delivered()[0] ?? '';
    expect(messageId).toMatch(/^mov_[0-9a-f]{32}$/);
    await database.close();

    // Disabled: queued deliveries wait, and new messages are not queued for it.
    expect((await nrr(['webhooks', 'disable', '--tenant', 'acme', endpointId])).out).toEqual([
      `disabled webhook endpoint ${endpointId}: it gets no new messages, queued ones wait`,
    ]);
    expect((await nrr(['webhooks', 'list', '--tenant', 'acme'])).out[0]).toMatch(
      new RegExp(`^${endpointId}\\tdisabled \\d{4}-`),
    );
    expect((await nrr(['webhooks', 'redeliver', '--tenant', 'acme', messageId])).code).toBe(0);
    const paused = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'data') });
    expect(await new WebhookDispatcher(paused.db, { allowPrivate: true }).runOnce()).toBe(0);
    await paused.close();
    expect((await nrr(['webhooks', 'enable', '--tenant', 'acme', endpointId])).out).toEqual([
      `enabled webhook endpoint ${endpointId}`,
    ]);
    const resumed = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'data') });
    expect(await new WebhookDispatcher(resumed.db, { allowPrivate: true }).runOnce()).toBe(1);
    await resumed.close();
    expect(receiver.delivered()).toEqual([messageId, messageId]);

    const log = await nrr(['webhooks', 'deliveries', '--tenant', 'acme', endpointId]);
    expect(log.out).toHaveLength(2);
    const fields = (log.out[1] ?? '').split('\t');
    expect(fields[0]).toMatch(/^wa_[0-9a-f]{16}$/);
    expect(fields.slice(2, 6)).toEqual([messageId, 'attempt 1', 'delivered', 'HTTP 200']);
    expect((log.out[0] ?? '').split('\t').slice(2, 6)).toEqual([
      messageId,
      'attempt 2',
      'delivered',
      'HTTP 200',
    ]);
    const redelivered = await nrr(['webhooks', 'redeliver', '--tenant', 'acme', fields[0] as string]);
    expect(redelivered.out).toEqual([
      `redelivering ${messageId} to ${endpointId} (a running server sends it)`,
    ]);
    const unknown = await nrr(['webhooks', 'delete', '--tenant', 'acme', 'we_0000000000000000']);
    expect(unknown).toMatchObject({
      code: 1,
      err: ['webhooks: tenant acme has no webhook endpoint "we_0000000000000000"'],
    });
    expect((await nrr(['webhooks', 'delete', '--tenant', 'acme', endpointId])).out).toEqual([
      `deleted webhook endpoint ${endpointId}`,
    ]);
    expect((await nrr(['webhooks', 'list', '--tenant', 'acme'])).out).toEqual([]);
  });
});
