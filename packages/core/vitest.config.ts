import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@nrr/source'] },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
  },
});
