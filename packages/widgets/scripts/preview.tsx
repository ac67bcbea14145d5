/**
 * Renders every card in static mode, in light and dark, to `<tmpdir>/nrr-widgets-preview.html`
 * with the stylesheet inlined, for a look in a browser (`pnpm --filter @nrr/widgets preview`).
 * Uses the test fixtures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import {
  BenchmarkComparison,
  CohortHeatmap,
  GrrCard,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrSettings,
  RetentionTrend,
  type ThemeMode,
} from '../src/index.ts';
import {
  b2bComparison,
  benchmarks,
  cohorts,
  movements,
  previousReport,
  report,
  trend,
} from '../test/fixtures.ts';

const root = resolve(import.meta.dirname, '..');
const css = readFileSync(resolve(root, 'src/styles.css'), 'utf8');
const figure = { current: report(), previous: previousReport, trend, benchmark: b2bComparison };

function panel(theme: ThemeMode, background: string): string {
  return renderToStaticMarkup(
    <div
      style={{
        background,
        padding: 24,
        display: 'grid',
        gap: 16,
        gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
      }}
    >
      <NrrSettings theme={theme}>
        <NrrCard data={figure} />
        <GrrCard data={figure} />
        <MrrBridge data={report()} />
        <RetentionTrend data={trend} />
        <CohortHeatmap data={cohorts} />
        <BenchmarkComparison data={benchmarks} />
        <MovementsTable data={movements(12)} pageSize={5} />
      </NrrSettings>
    </div>,
  );
}

const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>@nrr/widgets preview</title>
<style>${css}</style></head><body style="margin:0">${panel('light', '#f3f4f6')}${panel('dark', '#030712')}</body></html>`;
const file = join(tmpdir(), 'nrr-widgets-preview.html');
writeFileSync(file, html);
console.log(file);
