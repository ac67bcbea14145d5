import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@nrr/source'] },
  // Server-rendering tests (environment node) resolve through the SSR conditions.
  ssr: { resolve: { conditions: ['@nrr/source'] } },
  test: {
    name: 'widgets',
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
  },
});
