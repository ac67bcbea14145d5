import { createRequire } from 'node:module';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The in-process API (test/api-server.global.ts) needs graphql's CJS build, the one Pothos and
// Yoga load, or graphql refuses schemas "from another module or realm" (as in packages/api).
const graphqlEntry = createRequire(new URL('node_modules/@nrr/api/', import.meta.url)).resolve('graphql');
const conditions = ['@nrr/source', ...defaultServerConditions];

export default defineConfig({
  // Sibling packages from source (their `@nrr/source` export condition), in jsdom and in Node.
  resolve: { conditions: ['@nrr/source'], alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  ssr: { resolve: { conditions } },
  plugins: [
    {
      // Vitest loads global setup files in an environment of its own, which takes no conditions
      // from `resolve` or `ssr`.
      name: 'nrr-source-in-global-setup',
      configEnvironment: (name) => (name === '__vitest__' ? { resolve: { conditions } } : undefined),
    },
  ],
  test: {
    name: 'widgets',
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/api-server.global.ts'],
    // PGlite boots a WASM Postgres for the API; give a cold start on a shared 2-core machine room.
    hookTimeout: 60_000,
  },
});
