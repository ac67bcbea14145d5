/**
 * Hardening, two processes on one PGlite directory (the `nrr` command line beside a running
 * server): PGlite has no shared memory between processes, so the second one used to run on its
 * own copy, and revoked keys kept working, created keys vanished and one of two imports was lost
 * though both reported success. The second process is now refused with a message naming the
 * directory, the holder's pid and what to do; nothing the first stores is lost; and once the first
 * is killed with SIGKILL, its stale lock does not block the next process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import { startApi } from '../../src/start.ts';
import { TEST_TOKEN_SECRET } from '../harness.ts';
import { exitOf, startCli } from './cli-process.ts';
import { periodsText, tenantState } from './support.ts';

describe('two processes on one PGlite directory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-two-'));
    writeFileSync(join(dir, 'a.csv'), periodsText(30, 'a'));
    writeFileSync(join(dir, 'b.csv'), periodsText(20, 'b'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const nrr = async (dataDir: string, ...args: string[]) => {
    const run = startCli(args, { NRR_DATA_DIR: dataDir });
    const { code } = await exitOf(run.child);
    return { code, output: run.output() };
  };
  const stateOf = async (dataDir: string, tenantId: string) => {
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      return await tenantState(database, tenantId);
    } finally {
      await database.close();
    }
  };

  it('refuses the nrr command line beside a running server (as `pnpm start` starts it), naming the directory and the pid; afterwards it runs', async () => {
    const dataDir = join(dir, 'start');
    const started = await startApi({
      config: { database: { kind: 'pglite', dataDir }, tokenSecret: TEST_TOKEN_SECRET, port: 0 },
      demo: { customers: 20, months: 6 },
    });
    let closed = false;
    try {
      const refused = await nrr(
        dataDir,
        'import',
        '--tenant',
        'acme',
        '--format',
        'periods',
        join(dir, 'a.csv'),
      );
      expect(refused.code, refused.output).toBe(1);
      expect(refused.output).toContain(
        `the PGlite data directory ${dataDir} is in use by process ${process.pid}`,
      );
      expect(refused.output).toMatch(/pnpm start.*GraphQL API.*DATABASE_URL.*NRR_DATA_DIR/s);
      expect(refused.output).not.toMatch(/\n\s+at /);
      // The server still answers, and its demo key works.
      const response = await fetch(`${started.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${started.demoKey}` },
        body: JSON.stringify({ query: '{ viewer { tenant { id } } }' }),
      });
      expect(await response.json()).toEqual({ data: { viewer: { tenant: { id: 'demo' } } } });
      await started.close();
      closed = true;
      const ran = await nrr(dataDir, 'import', '--tenant', 'acme', '--format', 'periods', join(dir, 'a.csv'));
      expect(ran.code, ran.output).toBe(0);
      expect((await stateOf(dataDir, 'acme')).spans).toBe(30);
    } finally {
      if (!closed) await started.close();
    }
  }, 120_000);

  it('refuses a second CLI beside `nrr serve`, loses nothing, and opens after the server is killed with SIGKILL', async () => {
    const dataDir = join(dir, 'serve');
    expect(
      (await nrr(dataDir, 'import', '--tenant', 'acme', '--format', 'periods', join(dir, 'a.csv'))).code,
    ).toBe(0);
    const created = await nrr(dataDir, 'keys', 'create', '--tenant', 'acme', '--scope', 'read_write');
    expect(created.code, created.output).toBe(0);
    const secret = created.output.trim().split('\n').at(-1) as string;

    const server = startCli(['serve', '--port', '0'], { NRR_DATA_DIR: dataDir });
    // A failed assertion before the SIGKILL below must not leave the server running.
    onTestFinished(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    const deadline = Date.now() + 60_000;
    let url: string | undefined;
    while (!url) {
      url = /GraphQL API on (\S+)\/graphql/.exec(server.output())?.[1];
      if (server.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`no server: ${server.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The server imports b.csv into acme; a CLI beside it is refused (its import and its key creation).
    const imported = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({
        query:
          'mutation ($text: String!) { importData(input: { format: PERIODS, text: $text }) { status rowsStored } }',
        variables: { text: periodsText(20, 'b') },
      }),
    });
    expect(await imported.json()).toEqual({ data: { importData: { status: 'SUCCEEDED', rowsStored: 20 } } });
    for (const args of [
      ['import', '--tenant', 'other', '--format', 'periods', join(dir, 'b.csv')],
      ['keys', 'create', '--tenant', 'acme'],
    ]) {
      const refused = await nrr(dataDir, ...args);
      expect(refused.code, refused.output).toBe(1);
      expect(refused.output).toContain(`${dataDir} is in use by process ${server.child.pid}`);
    }

    server.child.kill('SIGKILL');
    expect((await exitOf(server.child)).signal).toBe('SIGKILL');
    // The stale lock does not block the next process, and the server's import is there.
    const after = await nrr(
      dataDir,
      'import',
      '--tenant',
      'other',
      '--format',
      'periods',
      join(dir, 'b.csv'),
    );
    expect(after.code, after.output).toBe(0);
    expect((await stateOf(dataDir, 'acme')).spans).toBe(50);
    expect((await stateOf(dataDir, 'other')).spans).toBe(20);
  }, 180_000);

  it('two CLIs importing at once: each either imports or is refused, and every import reported is stored', async () => {
    const dataDir = join(dir, 'race');
    expect((await nrr(dataDir, 'migrate')).code).toBe(0);
    const [a, b] = await Promise.all([
      nrr(dataDir, 'import', '--tenant', 'ta', '--format', 'periods', join(dir, 'a.csv')),
      nrr(dataDir, 'import', '--tenant', 'tb', '--format', 'periods', join(dir, 'b.csv')),
    ]);
    for (const [run, tenantId, rows] of [
      [a, 'ta', 30],
      [b, 'tb', 20],
    ] as const) {
      if (run.code === 0) {
        expect(run.output).toContain(`${rows} spans stored`);
        expect((await stateOf(dataDir, tenantId)).spans).toBe(rows);
      } else {
        expect(run.output).toContain(`the PGlite data directory ${dataDir} is in use by process`);
      }
    }
    expect([a.code, b.code]).toContain(0);
  }, 120_000);
});
