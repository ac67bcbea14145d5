/** Starts test/live-api.ts in a Node child process (the API needs Node, the tests run in jsdom). */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A live API in a child process. */
export interface SpawnedApi {
  readonly url: string;
  readonly key: string;
  stop(): Promise<void>;
}

/** Spawns the API and resolves once it prints its URL and key; rejects with its stderr if it exits first. */
export async function spawnLiveApi(): Promise<SpawnedApi> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@nrr/source', 'test/live-api.ts'],
    { cwd: resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening:\n${stderr}`)));
  });
  const { url, key } = JSON.parse(first) as { url: string; key: string };
  return {
    url,
    key,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
