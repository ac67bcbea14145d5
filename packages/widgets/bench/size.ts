/**
 * Size of @nrr/widgets in a host that imports only `NrrProvider` and `NrrCard`: builds the library
 * (`vite build`), bundles a one-line host entry against `dist/` with Vite in production mode (React,
 * react-dom and react-query external, as peers; @nrr/core bundled, as a dependency), minifies and
 * gzips it. Prints the result and exits non-zero above the 12 kB target.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

const TARGET_BYTES = 12 * 1024;
const root = resolve(import.meta.dirname, '..');
const HOST = 'virtual:nrr-host';
const PEERS = [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\/react-query($|\/)/];

await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn' });

const output = (await build({
  root,
  configFile: false,
  logLevel: 'warn',
  resolve: { conditions: ['@nrr/source'], alias: { '@nrr/widgets': resolve(root, 'dist/index.js') } },
  plugins: [
    {
      name: 'nrr-host-entry',
      resolveId: (id) => (id === HOST ? `\0${HOST}` : undefined),
      load: (id) =>
        id === `\0${HOST}`
          ? "import { NrrCard, NrrProvider } from '@nrr/widgets';\nexport { NrrCard, NrrProvider };\n"
          : undefined,
    },
  ],
  build: {
    write: false,
    minify: true,
    target: 'es2022',
    rollupOptions: {
      input: HOST,
      external: PEERS,
      // Keep the entry's exports: an app build would otherwise tree-shake the whole library away.
      preserveEntrySignatures: 'strict',
      output: { format: 'es' },
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
})) as Rollup.RollupOutput | Rollup.RollupOutput[];

const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
const js = chunks
  .filter((chunk): chunk is Rollup.OutputChunk => chunk.type === 'chunk')
  .map((chunk) => chunk.code)
  .join('\n');
const css = readFileSync(resolve(root, 'dist/styles.css'), 'utf8');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} kB`;
const gz = (text: string) => gzipSync(text, { level: 9 }).length;

if (/Customer movements|Cohort retention/.test(js))
  throw new Error('Tree-shaking failed: unrelated cards are in the host bundle.');
console.log('@nrr/widgets, host importing NrrProvider + NrrCard (peers excluded):');
console.log(`  js   min ${kb(js.length)}  min+gzip ${kb(gz(js))}  (target ≤ ${kb(TARGET_BYTES)})`);
console.log(`  css  ${kb(css.length)}  gzip ${kb(gz(css))}  (dist/styles.css, all cards, loaded separately)`);
if (gz(js) > TARGET_BYTES) {
  console.error(`  over target by ${kb(gz(js) - TARGET_BYTES)}`);
  process.exitCode = 1;
}
