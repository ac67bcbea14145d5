/**
 * The README's `nrr` commands, run as written and in their order, from the repository's root, on
 * a fresh embedded database: every one succeeds (only `serve`, which runs until stopped, is left
 * out), and every tenant they load then answers a retention question. A missing exchange rate is
 * refused with the command that adds it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/keys.ts';
import { type Database, openDatabase } from '../src/db/connect.ts';
import { graphql, runNrr, testApi } from './harness.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The `pnpm nrr …` lines of the README's command-line block, continuations joined, comments cut. */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('Load your own billing data');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('pnpm nrr '))
    .map((line) => line.slice('pnpm nrr '.length).split(/\s+/));
}

/** `nrr …` as run from the repository's root: paths in the README are relative to it. */
function nrr(dir: string, argv: readonly string[]) {
  return runNrr(
    dir,
    argv.map((arg) => (/^\.{0,2}\/|^examples\//.test(arg) ? resolve(REPO_ROOT, arg) : arg)),
  );
}

const RETENTION = `query ($from: Date!, $to: Date!) {
  retention(input: { from: $from, to: $to }) { nrr startingMrr { amount currency } }
}`;

describe('the README’s nrr commands, as written', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-readme-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('all succeed in order, and the tenants they load answer', async () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(8);
    let keyId: string | undefined;
    for (const command of commands) {
      if (command[0] === 'serve') continue;
      const argv = command.map((arg) => (arg === 'key_…' ? (keyId ?? arg) : arg));
      const result = await nrr(dir, argv);
      expect({ command: argv.join(' '), code: result.code, err: result.err }).toEqual({
        command: argv.join(' '),
        code: 0,
        err: [],
      });
      if (argv[0] === 'keys' && argv[1] === 'list')
        keyId = /\bkey_[A-Za-z0-9_-]+/.exec(result.out.join('\n'))?.[0];
    }
    expect(keyId).toBeDefined();

    let database: Database | undefined;
    try {
      database = await openDatabase({ kind: 'pglite', dataDir: join(dir) });
      const api = testApi(database);
      const windows: Record<string, [string, string, string]> = {
        acme: ['2019-01-01', '2020-01-01', 'USD'],
        displayr: ['2014-01-01', '2015-01-01', 'AUD'],
        'stripe-shop': ['2025-02-01', '2025-11-01', 'USD'],
      };
      for (const [tenantId, [from, to, currency]] of Object.entries(windows)) {
        const { secret } = await createApiKey(database.db, { tenantId, scope: 'read' });
        const { body } = await graphql<{
          retention: {
            netRevenueRetention: number | null;
            startingMrr: { amount: string; currency: string };
          };
        }>(api, RETENTION, { credential: secret, variables: { from, to } });
        expect({ tenantId, errors: body.errors }).toEqual({ tenantId, errors: undefined });
        expect(body.data?.retention.startingMrr.currency).toBe(currency);
        expect(Number(body.data?.retention.startingMrr.amount)).toBeGreaterThan(0);
      }
    } finally {
      await database?.close();
    }
  });

  it('refuses a question that meets an amount with no exchange rate, naming the command that adds one', async () => {
    const lines = resolve(REPO_ROOT, '../shared/datasets/displayr-invoice-lines/q_invoice_lines_short.csv');
    const mapping = [
      '--map',
      'name=customer',
      '--map',
      'ValidFrom=from',
      '--map',
      'ValidTo=to',
      '--map',
      'AUD=amount',
    ];
    expect((await nrr(dir, ['tenants', 'create', 'usd-co', '--currency', 'USD'])).code).toBe(0);
    const imported = await nrr(dir, [
      'import',
      '--tenant',
      'usd-co',
      '--format',
      'invoice-lines',
      '--currency',
      'AUD',
      ...mapping,
      lines,
    ]);
    expect(imported.code).toBe(0);
    const ask = async () => {
      const database = await openDatabase({ kind: 'pglite', dataDir: dir });
      try {
        const { secret } = await createApiKey(database.db, { tenantId: 'usd-co', scope: 'read' });
        return (
          await graphql(testApi(database), RETENTION, {
            credential: secret,
            variables: { from: '2014-01-01', to: '2015-01-01' },
          })
        ).body;
      } finally {
        await database.close();
      }
    };
    const refused = await ask();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'MISSING_FX_RATE',
      currency: 'AUD',
      reportingCurrency: 'USD',
    });
    expect(refused.errors?.[0]?.message).toMatch(
      /add one with `nrr rates set --tenant usd-co --currency AUD --rate <USD per AUD> --from/,
    );
    expect(
      (
        await nrr(dir, [
          'rates',
          'set',
          '--tenant',
          'usd-co',
          '--currency',
          'AUD',
          '--rate',
          '0.66',
          '--from',
          '2000-01-01',
        ])
      ).code,
    ).toBe(0);
    const answered = await ask();
    expect(answered.errors).toBeUndefined();
  });
});
