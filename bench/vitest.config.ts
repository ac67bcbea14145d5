import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@nrr/source'] },
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
  },
});
