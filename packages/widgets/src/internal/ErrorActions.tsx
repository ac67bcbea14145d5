import type { ReactNode } from 'react';
import { developerDetails } from './errorText.ts';

/** Props of {@link ErrorActions}. */
export interface ErrorActionsProps {
  /** The failure; its code and message are shown folded, for developers. */
  readonly error: Error;
  /** Fetches again. */
  readonly retry: () => void;
}

/**
 * What follows an error's plain sentence on a card or the outage banner: a "Try again" button
 * and the developer details under a closed disclosure.
 */
export function ErrorActions({ error, retry }: ErrorActionsProps): ReactNode {
  return (
    <>
      <button type="button" className="nrr-button" onClick={retry}>
        Try again
      </button>
      <details className="nrr-details">
        <summary>Details</summary>
        <code>{developerDetails(error)}</code>
      </details>
    </>
  );
}
