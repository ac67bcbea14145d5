/**
 * Layers point one way (issue 13). Reads the relative imports of packages/api/src and
 * packages/core/src (type imports included: they couple files just the same) and checks:
 * - no module of api's `analytics/` imports from `schema/` (GraphQL) or `imports/` (the import paths);
 * - api's `db/` imports nothing above it (only `db/` itself and the leaf `errors.ts`);
 * - core's `import/` and `normalize/` do not import each other (edges one way at most);
 * - core's modules form no import cycle.
 * Violations known when a rule was written are listed in ALLOWED with the reason; the test fails
 * on any other, and says which file imports which.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const apiSrc = join(packages, 'api/src');
const coreSrc = join(packages, 'core/src');

/** One relative import: `from` imports `to`, both relative to their package's `src/`. */
interface Edge {
  readonly from: string;
  readonly to: string;
}

/**
 * Known violations, as `from -> to` (paths under the package's src/), each with its reason. Empty
 * since issue 13 removed the last ones: a new entry needs a reason a reviewer accepts.
 */
const ALLOWED: ReadonlySet<string> = new Set<string>([]);

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`. */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/** Relative imports of every `.ts` file under `root`, as paths relative to `root`. */
function importGraph(root: string): Edge[] {
  const edges: Edge[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (!specifier.startsWith('.')) continue;
      edges.push({ from: relative(root, file), to: relative(root, resolve(dirname(file), specifier)) });
    }
  }
  return edges;
}

const under = (folder: string, path: string): boolean => path.startsWith(`${folder}/`);
const label = (pkg: string, edge: Edge): string => `${pkg}: ${edge.from} -> ${edge.to}`;
const unexpected = (pkg: string, edges: readonly Edge[]): string[] =>
  edges.map((edge) => label(pkg, edge)).filter((line) => !ALLOWED.has(line));

/** Import cycles (strongly connected components of more than one file, or a file importing itself). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (next.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('layers point one way', () => {
  const api = importGraph(apiSrc);
  const core = importGraph(coreSrc);

  it('reads the import graphs (a parser that found nothing would pass every rule)', () => {
    expect(api).toContainEqual({ from: 'analytics/query-input.ts', to: 'auth/segment-lock.ts' });
    expect(api).toContainEqual({ from: 'schema/segment-filter.ts', to: 'schema/builder.ts' });
    expect(api).toContainEqual({ from: 'schema/index.ts', to: 'schema/segment-filter.ts' });
    expect(core).toContainEqual({ from: 'generator.ts', to: 'internal/scenario.ts' });
  });

  it('api: no module of analytics/ imports from schema/ or imports/', () => {
    const upward = api.filter(
      ({ from, to }) => under('analytics', from) && (under('schema', to) || under('imports', to)),
    );
    expect(unexpected('api', upward)).toEqual([]);
  });

  it('api: db/ imports only db/ and errors.ts', () => {
    const upward = api.filter(({ from, to }) => under('db', from) && !under('db', to) && to !== 'errors.ts');
    expect(unexpected('api', upward)).toEqual([]);
  });

  it('core: import/ and normalize/ do not import each other', () => {
    const importToNormalize = unexpected(
      'core',
      core.filter(({ from, to }) => under('import', from) && under('normalize', to)),
    );
    const normalizeToImport = unexpected(
      'core',
      core.filter(({ from, to }) => under('normalize', from) && under('import', to)),
    );
    // One direction may remain; both at once is the cycle the rule forbids.
    expect(
      importToNormalize.length === 0 || normalizeToImport.length === 0,
      [...importToNormalize, ...normalizeToImport].join('\n'),
    ).toBe(true);
  });

  it('core: no import cycle', () => {
    expect(cycles(core)).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    expect(
      cycles([
        { from: 'generator.ts', to: 'internal/scenario.ts' },
        { from: 'internal/scenario.ts', to: 'generator.ts' },
        { from: 'generator.ts', to: 'dates.ts' },
      ]),
    ).toEqual([['generator.ts', 'internal/scenario.ts']]);
  });
});
