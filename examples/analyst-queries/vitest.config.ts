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
    name: 'analyst-queries',
    include: ['test/**/*.test.ts'],
    // Boots PGlite with a generated tenant per file on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
