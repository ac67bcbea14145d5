/**
 * `POST /v1/embed-tokens`: mints an embed token for host backends that don't speak GraphQL.
 * Body (JSON, optional): `{ "ttlSeconds": 900, "segment": { "attributes": [{ "name": "country", "values": ["US"] }] },
 * "definitions": { "preset": "CHARTMOGUL", "timeZone": "Europe/Paris" } }` (definitions as GraphQL's
 * `DefinitionsInput`: size bands as decimal strings).
 * Answers `201 { token, expiresAt, tenantId }`, or `{ error: { code, message } }` with its HTTP status;
 * a body over {@link MAX_EMBED_TOKEN_BODY_BYTES} is refused with 413 `REQUEST_ENTITY_TOO_LARGE`.
 */
import { GraphQLError } from 'graphql';
import { signEmbedToken } from '../auth/embed-tokens.ts';
import type { Principal } from '../auth/principal.ts';
import { requireSecretKey } from '../auth/principal.ts';
import { parseSegmentClaim } from '../auth/segment-lock.ts';
import { fixedDefinitions } from '../auth/token-definitions.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, type ApiErrorCode, HTTP_STATUS } from '../errors.ts';
import { contentLengthError, readBodyText } from '../internal/body-limit.ts';

/** Largest body the endpoint reads, in bytes: a token request is a few hundred. */
export const MAX_EMBED_TOKEN_BODY_BYTES = 16_384;

type FetchApi = { Response: typeof Response };

/** Handles one request to the endpoint. `resolveCaller` authenticates it as GraphQL requests are. */
export async function handleEmbedTokenRequest(
  request: Request,
  fetchAPI: FetchApi,
  resolveCaller: (request: Request) => Promise<{ principal: Principal; context: ApiContext }>,
): Promise<Response> {
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new fetchAPI.Response(JSON.stringify(body), {
      status,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  const fail = (code: ApiErrorCode, message: string) =>
    reply(HTTP_STATUS[code], { error: { code, message } });
  if (request.method !== 'POST') return fail('BAD_USER_INPUT', 'use POST');
  try {
    // An announced oversize body is refused before authentication reads anything.
    const announced = contentLengthError(request.headers, MAX_EMBED_TOKEN_BODY_BYTES);
    if (announced) throw announced;
    const { principal, context } = await resolveCaller(request);
    requireSecretKey(principal, 'minting an embed token');
    const text = await readBodyText(request, MAX_EMBED_TOKEN_BODY_BYTES);
    let body: Record<string, unknown> = {};
    if (text.trim() !== '') {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return fail('BAD_USER_INPUT', 'the body must be a JSON object such as {"ttlSeconds": 900}');
      }
      body = parsed as Record<string, unknown>;
    }
    const { ttlSeconds, segment, definitions } = body;
    if (ttlSeconds !== undefined && typeof ttlSeconds !== 'number') {
      return fail(
        'BAD_USER_INPUT',
        `ttlSeconds: got ${JSON.stringify(ttlSeconds)}, expected a number of seconds`,
      );
    }
    const parsedSegment = segment === undefined || segment === null ? undefined : parseSegmentClaim(segment);
    if (segment !== undefined && segment !== null && parsedSegment === undefined) {
      return fail(
        'BAD_USER_INPUT',
        'segment: expected {"attributes": [{"name": string, "values": [string]}], "sizeBands": ["SMB"|"MID_MARKET"|"ENTERPRISE"]}',
      );
    }
    const minted = await signEmbedToken(context.tokenKey, {
      tenantId: context.tenant.tenantId,
      ttlSeconds,
      segment: parsedSegment,
      definitions: fixedDefinitions(context, definitions),
    });
    return reply(201, {
      token: minted.token,
      expiresAt: minted.expiresAt.toISOString(),
      tenantId: context.tenant.tenantId,
    });
  } catch (error) {
    if (error instanceof SyntaxError)
      return fail('BAD_USER_INPUT', `the body is not valid JSON: ${error.message}`);
    if (error instanceof ApiError) return fail(error.code, error.message);
    if (error instanceof GraphQLError) {
      const code = error.extensions.code;
      const http = error.extensions.http as
        | { status?: unknown; headers?: Record<string, string> }
        | undefined;
      // Our codes, and the body limit's own (REQUEST_ENTITY_TOO_LARGE 413, BAD_REQUEST 400);
      // headers such as a 429's Retry-After are kept.
      const status =
        typeof code === 'string' && code in HTTP_STATUS ? HTTP_STATUS[code as ApiErrorCode] : http?.status;
      if (typeof code === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
        return reply(status, { error: { code, message: error.message } }, http?.headers);
      }
    }
    return fail('INTERNAL', 'internal error');
  }
}
