import { NrrError } from '../provider/errors.ts';

/**
 * What went wrong, in words for the people looking at the card (the error's code and message,
 * written for developers, go in the details).
 */
export function plainReason(error: Error): string {
  const code = error instanceof NrrError ? error.code : 'INTERNAL';
  switch (code) {
    case 'NETWORK':
      return 'The analytics service could not be reached.';
    case 'TOKEN':
    case 'UNAUTHENTICATED':
      return 'Your access to these figures could not be confirmed.';
    case 'FORBIDDEN':
      return 'This page is not allowed to show these figures.';
    case 'RATE_LIMITED':
      return 'Too many requests at once; try again in a moment.';
    case 'BAD_USER_INPUT':
    case 'NOT_FOUND':
      return 'The figures asked for are not available.';
    case 'INTERNAL':
    case 'BAD_RESPONSE':
      return 'The analytics service had a problem.';
    default:
      return code satisfies never;
  }
}

/** `NETWORK: Could not reach …`: the developer's line, shown under "Details". */
export function developerDetails(error: Error): string {
  return error instanceof NrrError ? `${error.code}: ${error.message}` : `${error.name}: ${error.message}`;
}

/** Whether an error means nothing can be loaded at all (no API, no token), rather than this card's query. */
export function isOutage(error: Error): boolean {
  return error instanceof NrrError && (error.code === 'NETWORK' || error.code === 'TOKEN');
}
