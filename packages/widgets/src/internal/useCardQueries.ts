import type { UseQueryResult } from '@tanstack/react-query';
import { useNrrSession } from '../provider/context.ts';
import type { CardState } from './CardFrame.tsx';

/**
 * The card state of a data-mode card: loading until every `required` query has data (or the token
 * has failed), an error when one of them (or the first token) failed, ready otherwise. Optional
 * queries never block the card: their parts appear when they arrive.
 */
export function useCardState(required: readonly UseQueryResult<unknown>[]): CardState {
  const session = useNrrSession();
  if (session.tokenError && session.tenant === undefined) {
    return { status: 'error', error: session.tokenError, retry: session.retryToken };
  }
  const failed = required.find((query) => query.isError && query.data === undefined);
  if (failed?.error) {
    return {
      status: 'error',
      error: failed.error,
      retry: () => {
        for (const query of required) if (query.isError) void query.refetch();
      },
    };
  }
  return required.every((query) => query.data !== undefined) ? { status: 'ready' } : { status: 'loading' };
}
