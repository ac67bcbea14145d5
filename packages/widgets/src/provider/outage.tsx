import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ErrorActions } from '../internal/ErrorActions.tsx';
import { isOutage } from '../internal/errorText.ts';
import { useNrrSettings } from './context.ts';
import { NrrError } from './errors.ts';

/** The provider's view of an outage: why nothing loads, and whether it is already on screen once. */
export interface OutageValue {
  /** The last failure to reach the API (or to get the first token), while nothing has loaded since. */
  readonly error: NrrError | undefined;
  /** Whether the provider shows it (in its banner or the host's `renderOutage`), so cards need not. */
  readonly shown: boolean;
  /** Fetches the token again if it failed, and refetches every failed query. */
  readonly retry: () => void;
}

/** Carries {@link OutageValue}; `undefined` outside a provider (static mode). */
export const OutageContext = createContext<OutageValue | undefined>(undefined);

/** The enclosing provider's outage, if any. */
export function useOutage(): OutageValue | undefined {
  return useContext(OutageContext);
}

/**
 * The latest network failure among the provider's queries, unless a query has loaded since:
 * when the API is unreachable every card fails the same way, and that is said once.
 */
function latestOutage(queryClient: QueryClient): NrrError | undefined {
  let failedAt = 0;
  let loadedAt = 0;
  let failure: NrrError | undefined;
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['nrr'] })) {
    const { error, errorUpdatedAt, dataUpdatedAt, status } = query.state;
    loadedAt = Math.max(loadedAt, dataUpdatedAt);
    if (status === 'error' && error instanceof NrrError && isOutage(error) && errorUpdatedAt > failedAt) {
      failedAt = errorUpdatedAt;
      failure = error;
    }
  }
  return failure && failedAt > loadedAt ? failure : undefined;
}

/** Follows the query cache for {@link latestOutage}. */
export function useQueryOutage(): NrrError | undefined {
  const queryClient = useQueryClient();
  const [outage, setOutage] = useState<NrrError>();
  useEffect(() => {
    const update = () => setOutage(latestOutage(queryClient));
    update();
    return queryClient.getQueryCache().subscribe(update);
  }, [queryClient]);
  return outage;
}

/** Refetches every failed NRR query of the client, and the token when `retryToken` is given. */
export function useRetryAll(retryToken: (() => void) | undefined): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => {
    retryToken?.();
    void queryClient.refetchQueries({
      queryKey: ['nrr'],
      predicate: (query) => query.state.status === 'error',
    });
  }, [queryClient, retryToken]);
}

/** The provider's default outage notice: one alert above the cards, with a retry and the details. */
export function OutageBanner({ error, retry }: { readonly error: NrrError; readonly retry: () => void }) {
  const { theme } = useNrrSettings();
  return (
    <div className="nrr-card nrr-outage" data-nrr-theme={theme} role="alert" data-error-code={error.code}>
      <p>
        {error.code === 'TOKEN'
          ? 'The retention figures cannot be shown: access to them could not be confirmed.'
          : 'The retention figures cannot be shown: the analytics service could not be reached.'}
      </p>
      <ErrorActions error={error} retry={retry} />
    </div>
  );
}

/** Why the figures could not load: `NrrError` codes `NETWORK` and `TOKEN`, for `renderOutage`. */
export type OutageRenderer = (error: NrrError, retry: () => void) => ReactNode;
