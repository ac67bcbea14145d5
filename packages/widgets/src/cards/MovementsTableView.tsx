import type { ReactNode } from 'react';
import { formatMoney } from '../internal/formatters.ts';
import { ScrollRegion } from '../internal/ScrollRegion.tsx';
import type { MovementResult } from '../types.ts';
import { MOVEMENT_LABELS, movementEffect } from './movementRows.ts';

/** Props of {@link MovementsPage}. */
interface MovementsPageProps {
  readonly rows: readonly MovementResult[];
  readonly locale: string;
  readonly caption: string;
  /** 0-based page shown, and how many pages exist (`undefined` when unknown). */
  readonly page: number;
  readonly pages: number | undefined;
  readonly total: number | undefined;
  readonly hasPrevious: boolean;
  readonly hasNext: boolean;
  readonly onPrevious: () => void;
  readonly onNext: () => void;
}

/** One page of movements and the pager. Pager buttons stay focusable at the ends (aria-disabled). */
export function MovementsPage(props: MovementsPageProps): ReactNode {
  const { locale } = props;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const money = (amount: MovementResult['amount']) => formatMoney(amount.amount, amount.currency, { locale });
  const status =
    props.pages === undefined
      ? `Page ${props.page + 1}`
      : `Page ${props.page + 1} of ${props.pages}${props.total === undefined ? '' : `, ${new Intl.NumberFormat(locale).format(props.total)} ${props.total === 1 ? 'movement' : 'movements'}`}`;
  return (
    <>
      <ScrollRegion label={`${props.caption} (scrollable)`}>
        <table className="nrr-table nrr-movements">
          <caption className="nrr-sr-only">{`${props.caption}, ${status}`}</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Movement</th>
              <th scope="col">Change</th>
              <th scope="col">Starting MRR</th>
              <th scope="col">Ending MRR</th>
              <th scope="col">Date</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => {
              const effect = movementEffect(row.type);
              const at = new Date(row.at);
              return (
                <tr key={`${row.customerId}:${row.type}:${row.at}`} data-kind={row.type}>
                  <th scope="row">{row.customerId}</th>
                  <td>{MOVEMENT_LABELS[row.type]}</td>
                  <td className="nrr-number" data-tone={effect === 'gain' ? 'positive' : 'negative'}>
                    {`${Number(row.amount.amount) === 0 ? '' : effect === 'gain' ? '+' : '−'}${money(row.amount)}`}
                  </td>
                  <td className="nrr-number">{money(row.startingMrr)}</td>
                  <td className="nrr-number">{money(row.endingMrr)}</td>
                  <td>{Number.isNaN(at.getTime()) ? row.at : date.format(at)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <nav className="nrr-pager" aria-label={`${props.caption} pages`}>
        <button
          type="button"
          className="nrr-button"
          aria-disabled={!props.hasPrevious}
          onClick={() => props.hasPrevious && props.onPrevious()}
        >
          Previous page
        </button>
        <p className="nrr-muted" aria-live="polite">
          {status}
        </p>
        <button
          type="button"
          className="nrr-button"
          aria-disabled={!props.hasNext}
          onClick={() => props.hasNext && props.onNext()}
        >
          Next page
        </button>
      </nav>
    </>
  );
}
