/**
 * The PGlite data directory's lock, within one process: a second open is refused while the first
 * is open and allowed once it is closed, and a lock whose holder is gone (a dead pid, or a live
 * pid that started at another time: reused) is taken over. Two real processes are in
 * hardening/two-processes.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { DataDirLocked, LOCK_FILE, lockDataDir } from '../src/db/data-dir-lock.ts';

describe('the PGlite data directory lock', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nrr-lock-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second open of an open directory, naming it and the holder, and allows it after close', async () => {
    const dataDir = join(root, 'data');
    const first = await openDatabase({ kind: 'pglite', dataDir });
    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, hostname: hostname() });
    const second = openDatabase({ kind: 'pglite', dataDir }).then(
      async (database) => {
        await database.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    const refusal = await second;
    expect(refusal).toBeInstanceOf(DataDirLocked);
    expect((refusal as Error).message).toContain(dataDir);
    expect((refusal as Error).message).toContain(`pid ${process.pid}`);
    expect((refusal as Error).message).toMatch(/DATABASE_URL.*NRR_DATA_DIR/);
    await first.close();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    const again = await openDatabase({ kind: 'pglite', dataDir });
    await again.close();
  });

  it.each([
    ['a pid no process has', () => ({ pid: 2 ** 22 + 17, startTime: '1', hostname: hostname() })],
    [
      'a reused pid (this process, started at another time)',
      () => ({ pid: process.pid, startTime: '1', hostname: hostname() }),
    ],
    ['an unreadable file (a holder killed while writing it)', () => '{"pid":'],
  ])('takes over a stale lock left by %s', (_label, holder) => {
    const dir = join(root, `stale-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    const content = holder();
    writeFileSync(join(dir, LOCK_FILE), typeof content === 'string' ? content : JSON.stringify(content));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('does not presume a holder on another host gone', () => {
    const dir = join(root, 'other-host');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, startTime: '1', hostname: 'elsewhere' }));
    expect(() => lockDataDir(dir)).toThrow(/in use by process 1 on host elsewhere/);
  });

  it('release leaves a lock that is not its own', () => {
    const dir = join(root, 'replaced');
    mkdirSync(dir);
    const lock = lockDataDir(dir);
    const other = JSON.stringify({ pid: 1, startTime: null, hostname: 'elsewhere' });
    writeFileSync(join(dir, LOCK_FILE), other);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(other);
  });
});
