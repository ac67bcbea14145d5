import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentError, generate, TARGETS } from '../scripts/graphql-types.ts';

const REPO = resolve(import.meta.dirname, '../../..');

describe('the wire contract (regenerate with `pnpm codegen`)', () => {
  for (const target of TARGETS) {
    it(`${target.output} is what the schema and ${target.documents}/*.graphql give`, () => {
      // generate() first validates every document against schema.graphql and throws, naming the
      // file, line and field, when one asks for what the schema does not have.
      expect(readFileSync(resolve(REPO, target.output), 'utf8')).toBe(generate(target));
    });
  }

  const scratch = mkdtempSync(join(tmpdir(), 'nrr-wire-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('refuses a document that asks for a field the schema lacks, naming the file, line and type', () => {
    writeFileSync(
      join(scratch, 'drift.graphql'),
      'query Drift($input: RetentionInput!) {\n  retention(input: $input) { nrr netRevenue }\n}\n',
    );
    const run = () => generate({ documents: scratch, output: join(scratch, 'out.ts') });
    expect(run).toThrow(DocumentError);
    expect(run).toThrow(/drift\.graphql:2:34: Cannot query field "netRevenue" on type "RetentionReport"\.$/);
  });

  it('refuses a variable of the wrong type', () => {
    writeFileSync(
      join(scratch, 'drift.graphql'),
      'query Drift($input: RetentionSeriesInput!) {\n  retention(input: $input) { nrr }\n}\n',
    );
    expect(() => generate({ documents: scratch, output: join(scratch, 'out.ts') })).toThrow(
      'Variable "$input" of type "RetentionSeriesInput!" used in position expecting type "RetentionInput!".',
    );
  });

  it('types a report as the schema says: nullable ratios, decimal-string money, readonly lists', () => {
    const widgets = readFileSync(resolve(REPO, 'packages/widgets/src/graphql.generated.ts'), 'utf8');
    const report = widgets.slice(widgets.indexOf('export interface RetentionReportResult {'));
    expect(report).toMatch(/readonly nrr: number \| null;/);
    expect(report).toMatch(/readonly startingMrr: Money;/);
    expect(report).toMatch(/readonly warnings: readonly RetentionWarningResult\[\];/);
    expect(widgets).toMatch(/export interface Money \{\n.*\n {2}readonly amount: string;/);
  });
});
