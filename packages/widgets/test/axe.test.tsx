import { render } from '@testing-library/react';
import axe from 'axe-core';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  BenchmarkComparison,
  CohortHeatmap,
  DefinitionsDisclosure,
  GrrCard,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrSettings,
  RetentionTrend,
  type ThemeMode,
  useNrrSettings,
} from '../src/index.ts';
import {
  b2bComparison,
  benchmarks,
  cohorts,
  defaultDefinitions,
  movements,
  previousReport,
  report,
  trend,
} from './fixtures.ts';

/** The disclosure opened, in a card shell of the current theme (cards start with it closed). */
function OpenDefinitions(): ReactNode {
  const { theme } = useNrrSettings();
  return (
    <section className="nrr-card" data-nrr-theme={theme} aria-label="How NRR is calculated">
      <DefinitionsDisclosure
        defaultOpen
        currency="EUR"
        definitions={{
          ...defaultDefinitions,
          preset: 'STRIPE',
          timeZone: 'Europe/Paris',
          customizedOptions: ['timeZone'],
        }}
      />
    </section>
  );
}

const figure = { current: report(), previous: previousReport, trend, benchmark: b2bComparison };

const cards: Record<string, ReactNode> = {
  NrrCard: <NrrCard data={figure} />,
  GrrCard: <GrrCard data={figure} />,
  MrrBridge: <MrrBridge data={report()} />,
  RetentionTrend: <RetentionTrend data={trend} />,
  CohortHeatmap: <CohortHeatmap data={cohorts} />,
  BenchmarkComparison: <BenchmarkComparison data={benchmarks} />,
  MovementsTable: <MovementsTable data={movements(12)} />,
  'NrrCard (empty)': <NrrCard data={{ current: report({ nrr: null }) }} />,
  'MovementsTable (with definitions)': (
    <MovementsTable data={movements(3)} dataDefinitions={defaultDefinitions} />
  ),
  'DefinitionsDisclosure (open, customized)': <OpenDefinitions />,
};

/** Every WCAG 2.x A/AA rule and axe's best practices, minus page-level rules that a lone card cannot meet. */
async function violations(container: HTMLElement) {
  const result = await axe.run(container, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    rules: {
      region: { enabled: false },
      'page-has-heading-one': { enabled: false },
      'landmark-one-main': { enabled: false },
    },
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.each<ThemeMode>(['light', 'dark'])('axe-core, %s mode', (theme) => {
  it.each(Object.keys(cards))('%s has no violations', async (name) => {
    const { container } = render(
      <main>
        <h2>Host page</h2>
        <NrrSettings theme={theme}>{cards[name]}</NrrSettings>
      </main>,
    );
    expect(container.querySelector(`[data-nrr-theme="${theme}"]`)).not.toBeNull();
    expect(await violations(container)).toEqual([]);
  });
});

describe('the axe check itself', () => {
  it('does report violations in jsdom (so the checks above can fail)', async () => {
    const { container } = render(
      <main>
        <svg role="img" />
        <button type="button" />
      </main>,
    );
    expect(await violations(container)).toEqual([
      expect.stringMatching(/^button-name/),
      expect.stringMatching(/^svg-img-alt/),
    ]);
  });
});
