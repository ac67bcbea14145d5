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
    name: 'partner-custom-view',
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    // Boots PGlite with a generated tenant on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
