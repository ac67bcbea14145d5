/**
 * Runs one contender in a child process (see `child.ts`) and returns what it measured. A child
 * whose figures differ from the reference, or that fails, makes this throw with its message.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type ChildResult, type ContenderKey, RESULT_MARKER } from './protocol.ts';

/** What a child needs to run. */
export interface ChildOptions {
  readonly contender: ContenderKey;
  /** Directory holding the dataset's files and manifest. */
  readonly datasetDir: string;
  /** JSON file of the reference figures. */
  readonly reference: string;
  /** This run computes the reference (the first @nrr/core run of a size). */
  readonly writeReference: boolean;
  /** Computations of the figures in the process. */
  readonly repeat: number;
}

const BENCH_DIR = resolve(import.meta.dirname, '..');
const CHILD = resolve(import.meta.dirname, 'child.ts');

/** Spawns the child and resolves to its result; rejects on a mismatch or a failure, with the child's words. */
export function runChild(options: ChildOptions): Promise<ChildResult> {
  const args = [
    '--conditions=@nrr/source',
    // Room for the 1,000,000-customer runs; a limit, not an allocation, so it does not change peak RSS.
    '--max-old-space-size=12288',
    '--expose-gc',
    '--import',
    'tsx',
    CHILD,
    '--contender',
    options.contender,
    '--dataset',
    options.datasetDir,
    '--reference',
    options.reference,
    '--repeat',
    String(options.repeat),
    ...(options.writeReference ? ['--write-reference'] : []),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: BENCH_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      const result = line ? (JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult | null) : null;
      if (result?.mismatch) {
        reject(new Error(`figures check failed — ${result.mismatch}`));
      } else if (code !== 0 || !result) {
        reject(
          new Error(`${options.contender} exited with code ${code}:\n${stderr.trim() || stdout.trim()}`),
        );
      } else resolvePromise(result);
    });
  });
}
