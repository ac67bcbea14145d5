import type { ReactNode } from 'react';
import type { RetentionReportResult } from '../types.ts';

/** The API's caveats about a figure (retention semantics §9), one sentence each, marked by text and icon. */
export function Warnings({ warnings }: { readonly warnings: RetentionReportResult['warnings'] }): ReactNode {
  return (
    <ul className="nrr-warnings" aria-label="Caveats">
      {warnings.map((warning) => (
        // Two typos give two warnings of one code: the message tells them apart.
        <li key={`${warning.code} ${warning.message}`} data-code={warning.code}>
          <span aria-hidden="true">⚠ </span>
          {warning.message}
        </li>
      ))}
    </ul>
  );
}
