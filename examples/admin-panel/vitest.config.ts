import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// graphql ships CJS and ESM builds; the in-process API (Pothos, Yoga) must see the one Node loads.
const graphqlEntry = createRequire(resolve(import.meta.dirname, '../../packages/api/package.json')).resolve(
  'graphql',
);

export default defineConfig({
  resolve: { conditions: ['@nrr/source'], alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  ssr: { resolve: { conditions: ['@nrr/source'] } },
  test: {
    name: 'admin-panel',
    include: ['test/**/*.test.ts'],
    // Builds the panel, boots PGlite and drives a real Chromium on a shared 2-core machine, often
    // while the other projects' suites run: alone the whole file takes about 40 s.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
