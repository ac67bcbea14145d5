import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Sibling packages from source (their `@nrr/source` export condition); vitest runs as Vite SSR.
  resolve: { conditions: ['@nrr/source'] },
  ssr: { resolve: { conditions: ['@nrr/source'] } },
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // DuckDB's native library and a Postgres COPY take a moment on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
