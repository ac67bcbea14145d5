import { formatMoney, formatPercent } from '@nrr/core';
import { formatPeriod, type PeriodInput, resolvePeriod, useNrrSession, useNrrSettings } from '@nrr/widgets';
import { useId, useState } from 'react';
import { barPercent, type LeaderboardOrder, rankRows, scaleOf } from './leaderboard.ts';
import { useSegmentLeaderboard } from './useSegmentLeaderboard.ts';

/** Props of {@link SegmentLeaderboard}. */
export interface SegmentLeaderboardProps {
  /** The attribute to rank by, e.g. `plan`, `country`, `billing_interval`. */
  readonly dimension: string;
  /** How the dimension reads in the title and header, e.g. `Plan`; default the dimension. */
  readonly dimensionLabel?: string;
  /** Window of every report; default `last-12-months`. */
  readonly period?: PeriodInput;
}

const ORDERS: readonly { readonly id: LeaderboardOrder; readonly label: string }[] = [
  { id: 'nrr', label: 'NRR' },
  { id: 'grr', label: 'GRR' },
  { id: 'startingMrr', label: 'Starting MRR' },
];

/**
 * A segment leaderboard: one row per value of a dimension with its NRR and GRR as text and as
 * bars (decorative; the numbers are the content), ordered by NRR, GRR or starting MRR.
 */
export function SegmentLeaderboard({
  dimension,
  dimensionLabel = dimension,
  period = 'last-12-months',
}: SegmentLeaderboardProps) {
  const titleId = useId();
  const { locale, theme } = useNrrSettings();
  const { now } = useNrrSession();
  const [order, setOrder] = useState<LeaderboardOrder>('nrr');
  const board = useSegmentLeaderboard(dimension, period);
  const rows = rankRows(board.rows, order);
  const scale = scaleOf(rows);
  const periodText = formatPeriod(resolvePeriod(period, new Date(now())), locale);
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  return (
    <section
      className="leaderboard"
      data-theme={theme}
      aria-labelledby={titleId}
      aria-busy={board.status === 'loading'}
    >
      <header className="leaderboard-header">
        <h2 id={titleId}>Retention by {dimensionLabel.toLowerCase()}</h2>
        <p>{periodText}</p>
      </header>
      <fieldset className="leaderboard-order">
        <legend>Order by</legend>
        {ORDERS.map((choice) => (
          <button
            key={choice.id}
            type="button"
            aria-pressed={order === choice.id}
            onClick={() => setOrder(choice.id)}
          >
            {choice.label}
          </button>
        ))}
      </fieldset>
      {board.status === 'loading' ? (
        <p role="status">Loading retention by {dimensionLabel.toLowerCase()}…</p>
      ) : null}
      {board.status === 'error' ? (
        <p role="alert">
          Could not load retention by {dimensionLabel.toLowerCase()}: {board.error?.message}
        </p>
      ) : null}
      {board.status === 'ready' ? (
        <table>
          <caption className="leaderboard-sr-only">
            Net and gross revenue retention by {dimensionLabel.toLowerCase()}, {periodText}, ordered by{' '}
            {ORDERS.find((choice) => choice.id === order)?.label}
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{dimensionLabel}</th>
              <th scope="col" aria-sort={order === 'nrr' ? 'descending' : undefined}>
                NRR
              </th>
              <th scope="col" aria-sort={order === 'grr' ? 'descending' : undefined}>
                GRR
              </th>
              <th scope="col" aria-sort={order === 'startingMrr' ? 'descending' : undefined}>
                Starting MRR
              </th>
              <th scope="col">Customers</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={row.segment}>
                <td>{index + 1}</td>
                <th scope="row">{row.segment}</th>
                {(['nrr', 'grr'] as const).map((metric) => (
                  <td key={metric}>
                    <div className="leaderboard-metric">
                      <span className="leaderboard-bar" data-metric={metric} aria-hidden="true">
                        <span
                          style={{ inlineSize: `${barPercent(row.report[metric], scale).toFixed(1)}%` }}
                        />
                      </span>
                      <span className="leaderboard-figure">{percent(row.report[metric])}</span>
                    </div>
                  </td>
                ))}
                <td>
                  {formatMoney(row.report.startingMrr.amount, row.report.startingMrr.currency, {
                    locale,
                    compact: true,
                  })}
                </td>
                <td>{row.report.customers.starting}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
