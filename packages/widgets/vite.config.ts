import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Library build: one ESM entry (`dist/index.js`, starting with `'use client'`), one stylesheet
 * (`dist/styles.css`). React, react-dom, react-query and @nrr/core stay external; the host's bundler
 * resolves them once. Types come from `tsc -p tsconfig.build.json`.
 */
export default defineConfig({
  resolve: { conditions: ['@nrr/source'] },
  // Always the production JSX runtime, whatever NODE_ENV the build runs under (tests set "test").
  oxc: { jsx: { runtime: 'automatic', development: false } },
  plugins: [
    {
      // The stylesheet is published as is (`@nrr/widgets/styles.css`); no module imports it.
      name: 'nrr-stylesheet',
      generateBundle() {
        const source = readFileSync(resolve(import.meta.dirname, 'src/styles.css'), 'utf8');
        this.emitFile({ type: 'asset', fileName: 'styles.css', source });
      },
    },
  ],
  build: {
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'index' },
    target: 'es2022',
    minify: false,
    sourcemap: true,
    emptyOutDir: true,
    rollupOptions: {
      external: [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\/react-query($|\/)/, /^@nrr\/core($|\/)/],
      // src/index.ts starts with 'use client', which the entry chunk keeps (checked by test/build.test.ts).
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
