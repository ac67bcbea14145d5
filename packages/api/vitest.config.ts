import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CJS (`main`) and ESM (`module`) builds. Pothos and Yoga, loaded by Node, get
// the CJS one; without this alias Vite would hand our sources the ESM one, and graphql refuses
// schemas "from another module or realm".
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  // Sibling packages from source (their `@nrr/source` export condition); vitest runs as Vite SSR.
  resolve: { conditions: ['@nrr/source'], alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  ssr: { resolve: { conditions: ['@nrr/source'] } },
  test: {
    name: 'api',
    include: ['test/**/*.test.ts'],
    // PGlite boots a WASM Postgres per test file; give cold starts on a shared 2-core machine room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
