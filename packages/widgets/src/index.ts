'use client';

/**
 * @nrr/widgets: React cards and hooks for net revenue retention. Static mode (`data` prop) needs
 * nothing else; data mode needs an `<NrrProvider>` around the cards. Import the stylesheet once:
 * `import '@nrr/widgets/styles.css'` (the JavaScript never imports CSS, so it also runs in plain
 * Node, e.g. for server rendering from source).
 */

export { BenchmarkComparison, type BenchmarkComparisonProps } from './cards/BenchmarkComparison.tsx';
export { CohortHeatmap, type CohortHeatmapProps } from './cards/CohortHeatmap.tsx';
export { DefinitionsDisclosure, type DefinitionsDisclosureProps } from './cards/DefinitionsDisclosure.tsx';
export { GrrCard } from './cards/GrrCard.tsx';
export { MovementsTable, type MovementsTableProps } from './cards/MovementsTable.tsx';
export { MrrBridge, type MrrBridgeProps } from './cards/MrrBridge.tsx';
export { NrrCard, type RetentionCardProps } from './cards/NrrCard.tsx';
// Types of card data, GraphQL documents and results, and shared card props.
export type { RetentionFigureData, RetentionMetric } from './cards/RetentionFigure.tsx';
export { RetentionTrend, type RetentionTrendProps } from './cards/RetentionTrend.tsx';
export * from './documents.ts';
export * from './hooks/hooks.ts';
export { type MovementsQuery, movementsQueryOptions } from './hooks/movementsQueryOptions.ts';
export {
  type BenchmarkComparisonQuery,
  type BreakdownQuery,
  benchmarkComparisonQueryOptions,
  benchmarksQueryOptions,
  breakdownQueryOptions,
  type CohortsQuery,
  cohortsQueryOptions,
  type NrrQueryContext,
  type RetentionQuery,
  type RetentionSeriesQuery,
  retentionQueryOptions,
  retentionSeriesQueryOptions,
  STALE_TIME_MS,
} from './hooks/queryOptions.ts';
export {
  type CustomerQuery,
  type CustomersQuery,
  customerQueryOptions,
  customersQueryOptions,
  segmentDimensionsQueryOptions,
  segmentsQueryOptions,
  viewerQueryOptions,
} from './hooks/tenantQueryOptions.ts';
export type { CardBaseProps, CardStateRenderers, DefinitionsCardProps } from './internal/CardFrame.tsx';
export {
  type DateRange,
  formatPeriod,
  type PeriodInput,
  type PeriodPreset,
  previousPeriod,
  resolvePeriod,
} from './period.ts';
export {
  createNrrClient,
  type NrrClient,
  type NrrClientOptions,
  type NrrRequestOptions,
} from './provider/client.ts';
export { type NrrSession, type NrrSettingsValue, useNrrSession, useNrrSettings } from './provider/context.ts';
export { NrrError, type NrrErrorCode } from './provider/errors.ts';
export {
  NrrProvider,
  type NrrProviderProps,
  NrrSettings,
  type NrrSettingsProps,
} from './provider/NrrProvider.tsx';
export type { OutageRenderer } from './provider/outage.tsx';
export {
  type ActiveToken,
  type EmbedToken,
  type FetchToken,
  REFRESH_MARGIN_MS,
  readJwtClaims,
  TokenManager,
} from './provider/token.ts';
export {
  type Appearance,
  type AppearanceVariables,
  cssVariableName,
  type ThemeMode,
} from './theme/appearance.ts';
export { NrrShadowRoot, type NrrShadowRootProps } from './theme/NrrShadowRoot.tsx';
export type * from './types.ts';
