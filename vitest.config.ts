import { defineConfig } from 'vitest/config';

/** One run over every workspace member that has tests (see each package's vitest.config.ts). */
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'bench'],
  },
});
