/**
 * Errors at the API boundary are values with a code (`extensions.code` in GraphQL, `error.code` in
 * REST), an HTTP status and a message that says what was wrong and what was expected. Anything else
 * thrown inside the API is reported as `INTERNAL` with no detail and no stack trace.
 */
import type { DefinitionProblem } from '@nrr/core';
import { GraphQLError } from 'graphql';

/** Every code a client can receive. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  /** The request asked for more engine work, or a larger answer, than one request may have. */
  | 'COST_LIMIT'
  | 'INTERNAL';

/** HTTP status each code maps to when it decides the whole response (auth, REST). */
export const HTTP_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  COST_LIMIT: 400,
  INTERNAL: 500,
};

/** An error meant for the client: its message is shown as is. */
export class ApiError extends GraphQLError {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { ...details, code } });
    this.code = code;
    this.name = 'ApiError';
  }
}

/**
 * `ApiError` with an HTTP status, for failures that decide the whole response (401, 403, 429);
 * `headers` are set on the response (e.g. `Retry-After` on a 429).
 */
export function requestError(
  code: ApiErrorCode,
  message: string,
  headers?: Record<string, string>,
): GraphQLError {
  const http = headers ? { status: HTTP_STATUS[code], headers } : { status: HTTP_STATUS[code] };
  return new GraphQLError(message, { extensions: { code, http } });
}

/** Shorthand for a `BAD_USER_INPUT` error naming the argument or field at fault. */
export function badInput(field: string, message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError('BAD_USER_INPUT', `${field}: ${message}`, { ...details, field });
}

/**
 * `BAD_USER_INPUT` for invalid definitions: every problem in the message (each names the option
 * and the allowed values), and as `extensions.problems`; `field` names the first option at fault.
 */
export function definitionsError(
  problems: readonly DefinitionProblem[],
  field = 'definitions',
  code: ApiErrorCode = 'BAD_USER_INPUT',
): ApiError {
  const first = problems[0]?.option ?? 'definitions';
  return new ApiError(code, `${field}: ${problems.map((p) => p.message).join('; ')}`, {
    field: first === 'definitions' ? field : `${field}.${first}`,
    problems: problems.map((p) => ({ option: p.option, message: p.message, allowed: p.allowed })),
  });
}
