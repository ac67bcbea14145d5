import type { CSSProperties, ReactNode } from 'react';
import { useCohorts } from '../hooks/hooks.ts';
import type { CohortsQuery } from '../hooks/queryOptions.ts';
import {
  type CardBaseProps,
  CardFrame,
  type CardState,
  type DefinitionsCardProps,
} from '../internal/CardFrame.tsx';
import { ScrollRegion } from '../internal/ScrollRegion.tsx';
import { TableSkeleton } from '../internal/skeletons.tsx';
import { useCardState } from '../internal/useCardQueries.ts';
import { VisuallyHidden } from '../internal/VisuallyHidden.tsx';
import { monthsInPeriod, resolvePeriod } from '../period.ts';
import { useNrrSession, useNrrSettings } from '../provider/context.ts';
import type { CohortTableResult } from '../types.ts';
import { ageLabel, cohortCells } from './cohortCells.ts';

/** Props of {@link CohortHeatmap}. */
export interface CohortHeatmapProps extends CardBaseProps, DefinitionsCardProps, CohortsQuery {
  /** Static mode: the cohort table. */
  readonly data?: CohortTableResult;
}

/**
 * Cohorts by age as a table whose cells are shaded by value and always show the value as text.
 * Immature cells are left empty (and say so to screen readers); small cohorts are marked; a month
 * in which no customer started shows dashes, named "no new customers" and "no cohort".
 */
export function CohortHeatmap(props: CohortHeatmapProps): ReactNode {
  return props.data ? (
    <HeatmapView {...props} state={{ status: 'ready' }} table={props.data} />
  ) : (
    <ConnectedHeatmap {...props} />
  );
}

function ConnectedHeatmap({
  period,
  segment,
  granularity,
  measure,
  view,
  definitions,
  ...props
}: CohortHeatmapProps): ReactNode {
  const table = useCohorts({ period, segment, granularity, measure, view, definitions });
  const { now } = useNrrSession();
  // One row per cohort period of the window: the skeleton's height while loading.
  const months = monthsInPeriod(resolvePeriod(period ?? 'last-12-months', new Date(now())));
  const step = granularity === 'YEAR' ? 12 : granularity === 'QUARTER' ? 3 : 1;
  const expectedRows = months === undefined ? 6 : Math.max(1, Math.ceil(months / step));
  return (
    <HeatmapView {...props} state={useCardState([table])} table={table.data} expectedRows={expectedRows} />
  );
}

function HeatmapView(
  props: CardBaseProps &
    DefinitionsCardProps & {
      readonly state: CardState;
      readonly table: CohortTableResult | undefined;
      readonly expectedRows?: number;
    },
): ReactNode {
  const { locale } = useNrrSettings();
  const { table } = props;
  const rows = table?.rows ?? [];
  const state: CardState =
    props.state.status === 'ready' && rows.length === 0 ? { status: 'empty' } : props.state;
  const ages = Array.from({ length: Math.max(0, ...rows.map((row) => row.cells.length)) }, (_, age) => age);
  const cellOf = table ? cohortCells(table, locale) : () => null;
  const counts = new Intl.NumberFormat(locale);
  const anySmall = rows.some((row) => row.small && row.size > 0);
  const caption = table
    ? `${table.measure === 'REVENUE' ? 'Revenue' : 'Customer'} retention by cohort, ${viewWords(table)}`
    : '';
  return (
    <CardFrame
      {...props}
      kind="cohorts"
      title={props.title ?? 'Cohort retention'}
      state={state}
      loadingText="Loading cohorts…"
      skeleton={<TableSkeleton rows={props.expectedRows ?? 6} />}
      emptyText="No cohorts started in this window."
      showDefinitions={props.showDefinitions !== false}
      definitions={table?.definitions}
      currency={table?.currency}
    >
      <ScrollRegion label={`${caption} (scrollable)`}>
        <table className="nrr-table nrr-heatmap">
          <caption className="nrr-sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Cohort</th>
              <th scope="col">Customers</th>
              {ages.map((age) => (
                <th scope="col" key={age}>
                  {table ? ageLabel(table.granularity, age) : age}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) =>
              row.size === 0 ? (
                // A month in which no customer started: nothing to measure, and not a small cohort.
                <tr key={row.cohort} data-empty="">
                  <th scope="row">{row.label}</th>
                  <td className="nrr-none">
                    <span aria-hidden="true">—</span>
                    <VisuallyHidden>no new customers</VisuallyHidden>
                  </td>
                  {ages.map((age) => (
                    <td key={age} className="nrr-none">
                      <span aria-hidden="true">—</span>
                      <VisuallyHidden>no cohort</VisuallyHidden>
                    </td>
                  ))}
                </tr>
              ) : (
                <tr key={row.cohort} data-small={row.small || undefined}>
                  <th scope="row">{row.label}</th>
                  <td>
                    {counts.format(row.size)}
                    {row.small ? (
                      <span className="nrr-badge">
                        <span aria-hidden="true">†</span>
                        <VisuallyHidden> (small cohort)</VisuallyHidden>
                      </span>
                    ) : null}
                  </td>
                  {ages.map((age) => {
                    const cell = cellOf(row, age);
                    return cell === null ? (
                      <td key={age} className="nrr-immature">
                        <VisuallyHidden>not yet measurable</VisuallyHidden>
                      </td>
                    ) : (
                      <td
                        key={age}
                        className="nrr-heat"
                        style={{ '--nrr-heat': cell.shade.toFixed(2) } as CSSProperties}
                      >
                        {cell.text}
                      </td>
                    );
                  })}
                </tr>
              ),
            )}
          </tbody>
        </table>
      </ScrollRegion>
      {anySmall ? (
        <p className="nrr-footnote">
          <span aria-hidden="true">† </span>Small cohort: fewer customers than the minimum, so its figures are
          noisy.
        </p>
      ) : null}
    </CardFrame>
  );
}

function viewWords(table: CohortTableResult): string {
  switch (table.view) {
    case 'PERCENT_OF_START':
      return 'percent of the first period';
    case 'PERCENT_OF_PREVIOUS':
      return 'percent of the previous period';
    case 'ABSOLUTE':
      return table.measure === 'REVENUE' ? `MRR in ${table.currency}` : 'paying customers';
    default:
      return table.view satisfies never;
  }
}
