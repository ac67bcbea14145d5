import type { ReactNode } from 'react';

/** Props of {@link DataTable}. */
interface DataTableProps {
  readonly caption: string;
  readonly columns: readonly string[];
  /** Each row: a header cell (the row's label) then one cell per remaining column. */
  readonly rows: readonly (readonly [string, ...string[]])[];
  /** Visually hidden (default) when it mirrors a chart; visible otherwise. */
  readonly hidden?: boolean;
}

/**
 * The text alternative of a chart: a real table that screen readers can navigate. A hidden one
 * sits in a visually hidden box, because a table itself ignores a 1px width and would make the
 * host page scroll sideways.
 */
export function DataTable({ caption, columns, rows, hidden = true }: DataTableProps): ReactNode {
  const table = (
    <table className={hidden ? undefined : 'nrr-table'}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, ...cells]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {cells.map((cell, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional columns.
              <td key={index}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return hidden ? <div className="nrr-sr-only">{table}</div> : table;
}
