import { resolve } from 'node:path';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The panel's browser bundle. `@nrr/source` makes the workspace's packages resolve to their
 * sources (no build of @nrr/widgets needed), and the alias points `@nrr/widgets/styles.css` (the
 * published package's built stylesheet) at its source; a host app installing the published
 * packages leaves both out. JSX is compiled by Vite's built-in transform with the automatic
 * runtime. The build is a production build (React's production bundle) even when run under a
 * test runner that sets NODE_ENV=test.
 */
export default defineConfig(({ mode }) => ({
  root: import.meta.dirname,
  resolve: {
    conditions: ['@nrr/source', ...defaultClientConditions],
    alias: {
      '@nrr/widgets/styles.css': resolve(import.meta.dirname, '../../packages/widgets/src/styles.css'),
    },
  },
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development') },
  oxc: { jsx: { runtime: 'automatic', development: mode !== 'production' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // react-query's and the widgets' 'use client' directives mean nothing in a client bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      checks: { pluginTimings: false },
    },
  },
}));
