import { defineConfig } from 'vite';

/**
 * Library build: one ESM entry (`dist/index.js`, marked `'use client'`), one stylesheet
 * (`dist/styles.css`). React, react-dom, react-query and @nrr/core stay external; the host's bundler
 * resolves them once. Types come from `tsc -p tsconfig.build.json`.
 */
export default defineConfig({
  resolve: { conditions: ['@nrr/source'] },
  build: {
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'index', cssFileName: 'styles' },
    target: 'es2022',
    minify: false,
    sourcemap: true,
    emptyOutDir: true,
    rollupOptions: {
      external: [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\/react-query($|\/)/, /^@nrr\/core($|\/)/],
      output: { banner: "'use client';" },
    },
  },
});
