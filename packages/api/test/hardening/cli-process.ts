/**
 * The `nrr` command line as a child process, for the fault tests: start it, watch how far it has
 * read its file (Linux /proc), and SIGKILL it half-way through an import.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { TEST_TOKEN_SECRET } from '../harness.ts';

/** The repository root. */
export const REPO = resolve(import.meta.dirname, '../../../..');
/** The CLI's source. */
export const CLI = resolve(REPO, 'packages/api/src/cli.ts');
/** Rows of the large file the killed imports read. */
export const LARGE_ROWS = 20_000;

/** Starts `nrr …` as a child process (tsx from source), with its output collected. */
export function startCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nrr/source', CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: '', NRR_DATA_DIR: '', ...env, NRR_TOKEN_SECRET: TEST_TOKEN_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

/** How a child process ended. */
export async function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

/** How far process `pid` has read into `file` (Linux: /proc/<pid>/fdinfo), or -1 when it has not opened it. */
export function readPosition(pid: number, file: string): number {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== file) continue;
      const match = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (match) return Number(match[1]);
    }
  } catch {
    return -1;
  }
  return -1;
}

/**
 * Imports a large file and SIGKILLs the importer once it has read half of it (the file position
 * of its descriptor, from /proc; reading follows the import through stream backpressure) and
 * `midway` resolves, e.g. after checking that the import is inside its transaction.
 */
export async function killImportHalfway(
  file: string,
  env: Record<string, string>,
  midway: () => Promise<void>,
) {
  const size = statSync(file).size;
  const { child, output } = startCli(['import', '--tenant', 'acme', '--format', 'periods', file], env);
  const deadline = Date.now() + 90_000;
  while (readPosition(child.pid as number, file) < size / 2) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`importer never got half-way: ${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await midway();
  expect(child.exitCode, output()).toBeNull();
  expect(readPosition(child.pid as number, file)).toBeLessThan(size);
  child.kill('SIGKILL');
  const exit = await exitOf(child);
  expect(exit.signal).toBe('SIGKILL');
  return output();
}
