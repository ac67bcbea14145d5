import { useNrrSession } from '../provider/context.ts';
import { NrrError } from '../provider/errors.ts';
import type { CardState } from './CardFrame.tsx';

/** The parts of a react-query result a card's state depends on. */
export interface CardQuery {
  /** `undefined` until loaded. */
  readonly data: unknown;
  /** Whether the last fetch failed. */
  readonly isError: boolean;
  /** Why it failed. */
  readonly error: unknown;
  /** Fetches again (the error view's retry). */
  readonly refetch: () => unknown;
}

/**
 * The card state of a data-mode card: loading until every `required` query has data (or the token
 * has failed), an error when one of them (or the first token) failed, ready otherwise. Optional
 * queries never block the card: their parts appear when they arrive.
 */
export function useCardState(required: readonly CardQuery[]): CardState {
  const session = useNrrSession();
  if (session.tokenError && session.tenant === undefined) {
    return { status: 'error', error: session.tokenError, retry: session.retryToken };
  }
  const failed = required.find((query) => query.isError && query.data === undefined);
  if (failed) {
    const error =
      failed.error instanceof Error
        ? failed.error
        : new NrrError('INTERNAL', String(failed.error), { cause: failed.error });
    return {
      status: 'error',
      error,
      retry: () => {
        for (const query of required) if (query.isError) void query.refetch();
      },
    };
  }
  return required.every((query) => query.data !== undefined) ? { status: 'ready' } : { status: 'loading' };
}
