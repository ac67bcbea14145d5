import {
  BenchmarkComparison,
  CohortHeatmap,
  GrrCard,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrProvider,
  RetentionTrend,
  resolvePeriod,
} from '@nrr/widgets';
import { QueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { PeriodPicker } from './controls/PeriodPicker.tsx';
import { SegmentPicker } from './controls/SegmentPicker.tsx';
import { ThemeToggle } from './controls/ThemeToggle.tsx';
import { periodOptions, type SegmentChoice, segmentFilter, trailingYear } from './filters.ts';
import { fetchEmbedToken, usePanelConfig } from './usePanelConfig.ts';
import { useTheme } from './useTheme.ts';

/** The host's admin page: a top bar, the filters and every @nrr/widgets card for the chosen filters. */
export function App() {
  const [theme, setTheme] = useTheme();
  const { config, error } = usePanelConfig();
  const [queryClient] = useState(() => new QueryClient());
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            N
          </span>
          <span className="brand-name">Northwind</span>
          <span className="brand-area">Admin</span>
        </div>
        <ThemeToggle theme={theme} onChange={setTheme} />
      </header>
      <main className="page">
        {config ? (
          <NrrProvider
            endpoint={config.graphqlEndpoint}
            fetchToken={fetchEmbedToken}
            queryClient={queryClient}
            theme={theme}
            locale="en-US"
          >
            <RetentionPage />
          </NrrProvider>
        ) : (
          <p className="notice" role={error ? 'alert' : 'status'}>
            {error ? `The panel could not load its settings: ${error}` : 'Loading…'}
          </p>
        )}
      </main>
    </div>
  );
}

function RetentionPage() {
  const options = useMemo(() => periodOptions(new Date()), []);
  const [periodId, setPeriodId] = useState('last-12-months');
  const [segmentChoice, setSegmentChoice] = useState<SegmentChoice>({ dimension: 'all', value: undefined });
  const period = (options.find((option) => option.id === periodId) ?? options[2])?.period ?? 'last-12-months';
  const segment = segmentFilter(segmentChoice);
  const year = trailingYear(resolvePeriod(period));
  const filters = segment ? { period, segment } : { period };
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Revenue retention</h1>
          <p className="lede">
            How much recurring revenue existing customers keep and grow. Figures follow the chosen period and
            segment; the trend and cohorts cover the 12 months up to its end.
          </p>
        </div>
        <fieldset className="filters">
          <legend className="visually-hidden">Filters</legend>
          <PeriodPicker options={options} value={periodId} onChange={setPeriodId} />
          <SegmentPicker value={segmentChoice} onChange={setSegmentChoice} />
        </fieldset>
      </div>
      <div className="dashboard">
        <NrrCard {...filters} headingLevel={2} className="area-nrr" />
        <GrrCard {...filters} headingLevel={2} className="area-grr" />
        <RetentionTrend
          period={year}
          {...(segment ? { segment } : {})}
          method="TRAILING_12M"
          title="Trailing-12-month retention"
          headingLevel={2}
          className="area-trend"
        />
        <MrrBridge {...filters} headingLevel={2} className="area-bridge" />
        <BenchmarkComparison {...filters} headingLevel={2} className="area-benchmarks" />
        <CohortHeatmap
          period={year}
          {...(segment ? { segment } : {})}
          headingLevel={2}
          className="area-cohorts"
        />
        <MovementsTable {...filters} pageSize={10} headingLevel={2} className="area-movements" />
      </div>
    </>
  );
}
