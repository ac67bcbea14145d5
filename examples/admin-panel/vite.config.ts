import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The panel's browser bundle. `@nrr/source` makes the workspace's packages resolve to their
 * sources (no build of @nrr/widgets needed); a host app installing the published packages would
 * leave it out. JSX is compiled by Vite's built-in transform with the automatic runtime.
 */
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@nrr/source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic' } },
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
});
