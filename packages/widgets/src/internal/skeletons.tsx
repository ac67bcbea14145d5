import type { CSSProperties, ReactNode } from 'react';

// Loading shapes built from the content's own layout classes with invisible text, so that each
// takes the height the loaded content will (the card keeps its size when the figures arrive).

const BLANK = '\u00a0';

/** The figure, the change line, the sparkline and the benchmark line of a retention card. */
export function FigureSkeleton(): ReactNode {
  return (
    <>
      <p className="nrr-figure">
        <span className="nrr-skeleton-block nrr-skeleton-text" style={{ inlineSize: '3.5em' }}>
          {BLANK}
        </span>
      </p>
      <p className="nrr-change">
        <span className="nrr-skeleton-block nrr-skeleton-text" style={{ inlineSize: '14em' }}>
          {BLANK}
        </span>
      </p>
      <span className="nrr-skeleton-block" style={{ inlineSize: 120, blockSize: 32 }} />
      <p className="nrr-benchmark">
        <span className="nrr-skeleton-block nrr-skeleton-text" style={{ inlineSize: '70%' }}>
          {BLANK}
        </span>
      </p>
    </>
  );
}

/** The legend, plot and x labels of a line chart. */
export function LineChartSkeleton(): ReactNode {
  return (
    <figure className="nrr-chart">
      <ul className="nrr-legend">
        <li>{BLANK}</li>
      </ul>
      <div className="nrr-linechart">
        <div className="nrr-plot nrr-skeleton-block" />
        <div className="nrr-x-ticks">
          <span className="nrr-tick">{BLANK}</span>
        </div>
      </div>
    </figure>
  );
}

/** Seven empty steps of the bridge. */
export function BridgeSkeleton(): ReactNode {
  return (
    <figure className="nrr-chart">
      <div className="nrr-waterfall">
        {[0.8, 0.5, 0.3, 0.6, 0.3, 0.4, 0.9].map((high, index) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholder steps.
            key={index}
            className="nrr-step"
            style={{ '--nrr-low': 0, '--nrr-high': high } as CSSProperties}
          >
            <span className="nrr-step-track">
              <span className="nrr-bar nrr-skeleton-block" />
            </span>
            <span className="nrr-value">{BLANK}</span>
            <span className="nrr-tick">{BLANK}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

/** A table of `rows` body rows under a header row, and the pager when `pager` is set. */
export function TableSkeleton({ rows, pager = false }: { readonly rows: number; readonly pager?: boolean }) {
  const cells = (
    <td>
      <span className="nrr-skeleton-block nrr-skeleton-text">{BLANK}</span>
    </td>
  );
  return (
    <>
      <table className="nrr-table">
        <tbody>
          {Array.from({ length: rows + 1 }, (_, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity.
            <tr key={index}>{cells}</tr>
          ))}
        </tbody>
      </table>
      {pager ? (
        // The pager's own words, invisible, so that it wraps on a narrow card as the loaded one does.
        <div className="nrr-pager nrr-skeleton-text">
          <span className="nrr-button">Previous page</span>
          <p className="nrr-muted">Page 1 of 100, 1,000 movements</p>
          <span className="nrr-button">Next page</span>
        </div>
      ) : null}
    </>
  );
}
