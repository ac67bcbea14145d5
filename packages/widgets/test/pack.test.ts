// @vitest-environment node
/**
 * The published packages, used as a new user would: `pnpm pack` @nrr/core and @nrr/widgets into a
 * temporary directory, install both tarballs with react, react-dom and react-query into a host app
 * outside the workspace (npm, from its cache when it can), type-check the host against the packed
 * declarations and build it with Vite. Takes about a minute. It runs in CI always; locally
 * `NRR_SKIP_PACK_TEST=1` skips it (and only that variable: never silently, never in CI).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const widgetsDir = resolve(import.meta.dirname, '..');
const coreDir = resolve(widgetsDir, '../core');
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const skip = process.env.NRR_SKIP_PACK_TEST === '1' && !inCi;
if (skip) console.warn('pack test skipped: NRR_SKIP_PACK_TEST=1 (it always runs in CI)');

interface Packed {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/** `pnpm pack` in `dir` into `destination`; the tarball's name and file list. */
async function pack(dir: string, destination: string): Promise<Packed> {
  const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  // Lifecycle output (prepack's build) may precede the JSON answer.
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as Packed;
}

/** What a package.json inside a tarball says. */
async function packedManifest(tarball: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json']);
  return JSON.parse(stdout) as Record<string, unknown>;
}

const HOST_ENTRY = `import { NrrCard, NrrProvider } from '@nrr/widgets';
import '@nrr/widgets/styles.css';
import { createRoot } from 'react-dom/client';

const fetchToken = () => fetch('/api/nrr-token', { method: 'POST' }).then((r) => r.json());

createRoot(document.getElementById('root') as HTMLElement).render(
  <NrrProvider endpoint="https://analytics.example.com/graphql" fetchToken={fetchToken}>
    <NrrCard period="last-12-months" />
  </NrrProvider>,
);
`;

describe.skipIf(skip)('the packed packages in a fresh Vite app outside the workspace', () => {
  let work: string;
  let host: string;
  let widgets: Packed;
  let core: Packed;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'nrr-pack-'));
    const tarballs = join(work, 'tarballs');
    host = join(work, 'host');
    await mkdir(tarballs);
    await mkdir(join(host, 'src'), { recursive: true });
    // @nrr/core has no prepack script of its own (its package is another team's): build it first.
    await run('pnpm', ['run', 'build'], { cwd: coreDir });
    core = await pack(coreDir, tarballs);
    widgets = await pack(widgetsDir, tarballs); // prepack builds dist/
    await writeFile(
      join(host, 'package.json'),
      JSON.stringify(
        {
          name: 'nrr-pack-host',
          private: true,
          type: 'module',
          dependencies: {
            '@nrr/core': `file:${core.filename}`,
            '@nrr/widgets': `file:${widgets.filename}`,
            '@tanstack/react-query': '^5.60.0',
            react: '^19.0.0',
            'react-dom': '^19.0.0',
          },
          devDependencies: { '@types/react': '^19.0.0', '@types/react-dom': '^19.0.0' },
        },
        null,
        2,
      ),
    );
    await writeFile(
      join(host, 'index.html'),
      '<!doctype html>\n<html lang="en"><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>\n',
    );
    await writeFile(join(host, 'src/main.tsx'), HOST_ENTRY);
    await writeFile(
      join(host, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          strict: true,
          noEmit: true,
          types: [],
        },
        include: ['src'],
      }),
    );
    // From npm's cache when it holds the packages; the registry otherwise.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: host,
    });
  }, 180_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs dist with types and the stylesheet, and no source condition or sources', async () => {
    const paths = widgets.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/styles.css']),
    );
    expect(paths.filter((path) => path.startsWith('src/'))).toEqual([]);
    const manifest = await packedManifest(widgets.filename);
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
      './styles.css': './dist/styles.css',
      './package.json': './package.json',
    });
    expect(manifest.dependencies).toEqual({ '@nrr/core': '0.1.0' });
    expect(Object.keys(manifest.peerDependencies as object).sort()).toEqual([
      '@tanstack/react-query',
      'react',
      'react-dom',
    ]);
    expect(core.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts']),
    );
  });

  it('installs one @nrr/core, the packed one, beside the widgets', async () => {
    expect(existsSync(join(host, 'node_modules/@nrr/widgets/dist/index.js'))).toBe(true);
    expect(existsSync(join(host, 'node_modules/@nrr/widgets/node_modules'))).toBe(false);
    const installed = JSON.parse(await readFile(join(host, 'node_modules/@nrr/core/package.json'), 'utf8'));
    expect(installed.version).toBe('0.1.0');
  });

  it('type-checks the host against the packed declarations', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', host]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 60_000);

  it('builds with Vite: the bundle holds the card and the stylesheet its rules', async () => {
    const outDir = join(host, 'dist');
    await build({ root: host, configFile: false, logLevel: 'silent', build: { outDir } });
    const assets = await readdir(join(outDir, 'assets'));
    const text = async (suffix: string) =>
      (
        await Promise.all(
          assets
            .filter((file) => file.endsWith(suffix))
            .map((file) => readFile(join(outDir, 'assets', file), 'utf8')),
        )
      ).join('\n');
    const js = await text('.js');
    const css = await text('.css');
    expect(js).toContain('Net revenue retention');
    expect(js).toContain('nrr-card');
    expect(js).not.toContain(widgetsDir);
    expect(css).toContain('@layer nrr');
    expect(css).toContain('.nrr-card');
  }, 60_000);
});
