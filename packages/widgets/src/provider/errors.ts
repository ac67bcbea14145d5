/**
 * Codes of {@link NrrError}: the API's `extensions.code` values, plus the client's own
 * (`NETWORK`: no response; `BAD_RESPONSE`: a response that is not GraphQL; `TOKEN`: `fetchToken`
 * failed or returned something unusable).
 */
export type NrrErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'NETWORK'
  | 'BAD_RESPONSE'
  | 'TOKEN';

const API_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'INTERNAL',
]);

/** The error every hook and card reports: a code to branch on and a message for people. */
export class NrrError extends Error {
  override readonly name = 'NrrError';
  /** What kind of failure; see {@link NrrErrorCode}. */
  readonly code: NrrErrorCode;

  constructor(code: NrrErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Maps an API error code to ours; unknown codes become `INTERNAL`. */
export function apiErrorCode(code: unknown): NrrErrorCode {
  return typeof code === 'string' && API_CODES.has(code) ? (code as NrrErrorCode) : 'INTERNAL';
}

/** Errors worth retrying automatically: the network and the server's own failures, not bad input or auth. */
export function isTransient(error: unknown): boolean {
  return !(error instanceof NrrError) || error.code === 'NETWORK' || error.code === 'INTERNAL';
}
