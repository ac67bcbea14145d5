import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Sibling packages from source (their `@nrr/source` export condition); vitest runs as Vite SSR.
  resolve: { conditions: ['@nrr/source'] },
  ssr: { resolve: { conditions: ['@nrr/source'] } },
  test: {
    name: 'api',
    include: ['test/**/*.test.ts'],
    // PGlite boots a WASM Postgres per test file; give cold starts on a shared 2-core machine room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
