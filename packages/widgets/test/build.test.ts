// @vitest-environment node
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const outDir = mkdtempSync(join(tmpdir(), 'nrr-widgets-build-'));

beforeAll(async () => {
  await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir } });
}, 30_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('library build', () => {
  it('emits one ESM entry marked as a client module and one stylesheet', () => {
    const files = readdirSync(outDir).filter((file) => !file.endsWith('.map'));
    expect(files.sort()).toEqual(['index.js', 'styles.css']);
    const entry = readFileSync(join(outDir, 'index.js'), 'utf8');
    expect(entry.startsWith('"use client";\n')).toBe(true);
  });

  it('leaves React, react-query and @nrr/core to the host', () => {
    const entry = readFileSync(join(outDir, 'index.js'), 'utf8');
    const imports = [...entry.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).sort();
    expect(imports).toEqual([
      '@nrr/core',
      '@tanstack/react-query',
      'react',
      'react-dom',
      'react/jsx-runtime',
    ]);
  });

  it('publishes types, the source condition, and side effects only for CSS', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.sideEffects).toEqual(['**/*.css']);
    expect(manifest.exports['.']).toEqual({
      '@nrr/source': './src/index.ts',
      types: './dist/index.d.ts',
      import: './dist/index.js',
    });
    expect(manifest.exports['./styles.css']).toBe('./dist/styles.css');
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([
      '@tanstack/react-query',
      'react',
      'react-dom',
    ]);
    expect(manifest.dependencies).toEqual({ '@nrr/core': 'workspace:*' });
  });
});
