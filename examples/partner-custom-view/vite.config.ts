import { defaultClientConditions, defineConfig } from 'vite';

/** The partner page in Vite's dev server; `@nrr/source` resolves the workspace packages to their sources. */
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@nrr/source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic' } },
});
