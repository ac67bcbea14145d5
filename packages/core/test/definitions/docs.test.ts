import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEFINITIONS, DEFINITION_OPTIONS, PRESETS } from '../../src/index.ts';

const metrics = readFileSync(resolve(import.meta.dirname, '../../../../docs/metrics.md'), 'utf8');

/** The rows of the first table after a heading, as cells (without the header and rule rows). */
function table(heading: string): string[][] {
  const section = metrics.slice(metrics.indexOf(heading));
  const firstTable: string[] = [];
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('|')) firstTable.push(line);
    else if (firstTable.length > 0) break;
  }
  expect(firstTable.length).toBeGreaterThan(2);
  return firstTable.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim()),
  );
}

const shown = (value: unknown) => `\`${value === null ? 'null' : String(value)}\``;

describe('docs/metrics.md', () => {
  it('lists every definition option with its default and allowed values', () => {
    expect(table('## Definitions')).toEqual(
      DEFINITION_OPTIONS.map((option) => [
        `\`${option.name}\``,
        { SPANS: 'events become spans', TIMELINE: 'spans become a timeline', QUERY: 'a question is asked' }[
          option.stage
        ],
        shown(DEFAULT_DEFINITIONS[option.name]),
        option.allowed,
      ]),
    );
  });

  it("shows every preset's value and source as PRESETS holds them", () => {
    const rows = table('### Vendor presets');
    const presetOptions = DEFINITION_OPTIONS.filter((option) => option.preset);
    expect(rows.map((row) => row[0])).toEqual(presetOptions.map((option) => `\`${option.name}\``));
    for (const [r, option] of presetOptions.entries()) {
      const row = rows[r] as string[];
      expect(row[1]).toBe(shown(DEFAULT_DEFINITIONS[option.name]));
      for (const [p, preset] of PRESETS.entries()) {
        const source = preset.sources[option.name as keyof typeof preset.sources];
        const value = shown(preset.options[option.name as keyof typeof preset.options]);
        const note = source.page
          ? `([source](https://${source.page}))`
          : source.rule.startsWith('does not apply')
            ? '(does not apply)'
            : '(not documented)';
        expect(row[p + 2]).toBe(`${value} ${note}`);
      }
    }
  });

  it('states every rule a preset cannot express', () => {
    for (const preset of PRESETS) {
      for (const rule of preset.notExpressible) expect(metrics).toContain(`- Cannot be expressed: ${rule}`);
    }
  });
});
