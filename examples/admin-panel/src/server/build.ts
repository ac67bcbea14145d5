/** Builds the panel's browser bundle with Vite's API (what `pnpm --filter @nrr/example-admin-panel build` does). */
import { resolve } from 'node:path';
import { build } from 'vite';

/** The admin panel's package directory. */
export const PANEL_ROOT = resolve(import.meta.dirname, '../..');

/** Builds the panel into `outDir` (default `<panel>/dist`) and returns that directory. */
export async function buildPanel(outDir: string = resolve(PANEL_ROOT, 'dist')): Promise<string> {
  await build({
    root: PANEL_ROOT,
    configFile: resolve(PANEL_ROOT, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
