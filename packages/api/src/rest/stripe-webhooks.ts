/**
 * `POST /v1/webhooks/stripe/{tenantId}`: Stripe's webhook deliveries for one tenant. Answers
 * `{ received, stored, … }` with 200, or `{ error: { code, message } }` with its status:
 *
 * - 400 `SIGNATURE_MISSING`, `SIGNATURE_INVALID`, `TIMESTAMP_OUTSIDE_TOLERANCE` (./../stripe/signature.ts);
 *   an unknown tenant and a tenant without a secret answer exactly as a wrong signature does
 *   (same code, same work), so the URL reveals neither which tenants exist nor which are connected;
 * - 400 `BODY_TOO_LARGE` over {@link DEFAULT_MAX_STRIPE_BODY_BYTES}, before anything is looked up;
 * - 400 `INVALID_PAYLOAD` for a signed body that is not a Stripe event, `INVALID_EVENT` (with
 *   `rowErrors`) for a subscription or customer event the importer cannot read;
 * - 404 `STRIPE_NOT_CONFIGURED` when the server has no secrets key (NRR_SECRETS_KEY);
 * - 429 `RATE_LIMITED` as for the rest of the API: failed signatures count against the client
 *   address's failed-authentication bucket, genuine deliveries against the tenant's bucket.
 *
 * Nothing is stored unless the signature is genuine and recent. The tenant's secrets are cached
 * for a few seconds (../stripe/secrets.ts), so a delivery reads nothing before its signature is
 * checked. `customer.subscription.*` and `customer.created|updated` events are imported
 * (../imports/stripe-import.ts); those of one tenant that arrive while its import is in flight
 * are stored together in the next one (../imports/stripe-deliveries.ts), each answered with that
 * import's `importId`, `spansChanged` and `dataVersion` and how many deliveries it stored
 * (`batched`). Every other type, `customer.deleted` included (deleting a customer changes no
 * figure: the `customer.subscription.deleted` Stripe sends for each of its subscriptions ends
 * them), is answered 200 with `stored: false`. Redeliveries and out-of-order deliveries change
 * nothing twice: events are kept by id and spans recomputed from all of a subscription's events.
 */
import { stripeEventKind } from '@nrr/core';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../errors.ts';
import { ImportFailed } from '../imports/run-import.ts';
import { storeStripeDelivery } from '../imports/stripe-deliveries.ts';
import { readBodyText } from '../internal/body-limit.ts';
import type { RateLimiter } from '../internal/rate-limit.ts';
import { stripeSecretsOf } from '../stripe/secrets.ts';
import { verifyStripeSignature } from '../stripe/signature.ts';

/** The path prefix; the tenant id follows it. */
export const STRIPE_WEBHOOK_PATH = '/v1/webhooks/stripe/';

/** Largest delivery read, in bytes (Stripe's events are a few kB; a subscription with many items tens). */
export const DEFAULT_MAX_STRIPE_BODY_BYTES = 1_000_000;

const TENANT_ID_SHAPE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

type FetchApi = { Response: typeof Response };

/** What the endpoint needs from the API it is part of. */
export interface StripeWebhookDeps {
  readonly db: Db;
  /** The operator's secrets key; `undefined` turns the endpoint off. */
  readonly secretsKey: Buffer | undefined;
  readonly maxBodyBytes: number;
  /** Rate limits (`undefined`: off) and the client's failed-authentication bucket key. */
  readonly limits:
    | { readonly failedAuth: RateLimiter; readonly tenant: RateLimiter; readonly client: string }
    | undefined;
}

/** Handles one request to `/v1/webhooks/stripe/…`; an unexpected failure is logged and answered 500 `INTERNAL`. */
export async function handleStripeWebhook(
  request: Request,
  url: URL,
  fetchAPI: FetchApi,
  deps: StripeWebhookDeps,
): Promise<Response> {
  try {
    return await answer(request, url, fetchAPI, deps);
  } catch (error) {
    console.error('Stripe webhook failed:', error);
    return new fetchAPI.Response(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }), {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
}

async function answer(
  request: Request,
  url: URL,
  fetchAPI: FetchApi,
  deps: StripeWebhookDeps,
): Promise<Response> {
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new fetchAPI.Response(JSON.stringify(body), {
      status,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  const fail = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
    reply(status, { error: { code, message, ...extra } });
  if (request.method !== 'POST') return fail(405, 'METHOD_NOT_ALLOWED', 'use POST');
  const tenantId = safeDecode(url.pathname.slice(STRIPE_WEBHOOK_PATH.length));
  if (deps.secretsKey === undefined) {
    return fail(
      404,
      'STRIPE_NOT_CONFIGURED',
      'Stripe webhooks are off on this server: it has no secrets key (set NRR_SECRETS_KEY)',
    );
  }
  const { limits } = deps;
  const rateLimited = (limiter: RateLimiter, bucket: string, message: string) =>
    reply(
      429,
      { error: { code: 'RATE_LIMITED', message } },
      { 'retry-after': String(limiter.retryAfterSeconds(bucket)) },
    );
  if (limits?.failedAuth.exhausted(limits.client)) {
    return rateLimited(limits.failedAuth, limits.client, 'too many failed authentications from this address');
  }
  let body: string;
  try {
    body = await readBodyText(request, deps.maxBodyBytes);
  } catch (error) {
    const code =
      error instanceof Error && 'extensions' in error ? (error as ApiError).extensions.code : undefined;
    if (code === 'REQUEST_ENTITY_TOO_LARGE') {
      return fail(
        400,
        'BODY_TOO_LARGE',
        `the delivery is larger than ${deps.maxBodyBytes} bytes; nothing was stored`,
      );
    }
    if (code === 'BAD_REQUEST') return fail(400, 'BAD_REQUEST', 'the Content-Length header is not valid');
    throw error;
  }
  const secrets =
    tenantId !== undefined && TENANT_ID_SHAPE.test(tenantId)
      ? await stripeSecretsOf(deps.db, deps.secretsKey, tenantId)
      : [];
  const failure = verifyStripeSignature(body, request.headers.get('stripe-signature'), secrets);
  if (failure !== undefined) {
    if (limits && !limits.failedAuth.take(limits.client)) {
      return rateLimited(
        limits.failedAuth,
        limits.client,
        'too many failed authentications from this address',
      );
    }
    return fail(400, failure, FAILURE_MESSAGES[failure]);
  }
  // Verified: the tenant exists and has a secret.
  const tenant = tenantId as string;
  if (limits && !limits.tenant.take(`tenant:${tenant}`)) {
    return rateLimited(limits.tenant, `tenant:${tenant}`, `too many requests for tenant ${tenant}`);
  }
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch (error) {
    return fail(
      400,
      'INVALID_PAYLOAD',
      `the body is not JSON: ${error instanceof Error ? error.message : ''}`,
    );
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return fail(400, 'INVALID_PAYLOAD', 'the body is not a Stripe event: expected a JSON object');
  }
  const { id, type } = event as { id?: unknown; type?: unknown };
  if (typeof id !== 'string' || typeof type !== 'string') {
    return fail(400, 'INVALID_PAYLOAD', 'the body is not a Stripe event: expected "id" and "type" as text');
  }
  if (stripeEventKind(type) === 'ignored') return reply(200, { received: true, stored: false, id, type });
  try {
    const { summary, batched } = await storeStripeDelivery(deps.db, tenant, { id, event });
    return reply(200, {
      received: true,
      stored: true,
      id,
      type,
      importId: summary.importId,
      spansChanged: summary.rowsStored,
      dataVersion: summary.dataVersion,
      batched,
    });
  } catch (error) {
    if (error instanceof ImportFailed) {
      return fail(400, 'INVALID_EVENT', error.message, {
        importId: error.summary.importId,
        rowErrors: error.summary.errors.map((rowError) => ({ ...rowError })),
      });
    }
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return fail(404, 'NOT_FOUND', error.message);
    throw error;
  }
}

const FAILURE_MESSAGES: Readonly<Record<NonNullable<ReturnType<typeof verifyStripeSignature>>, string>> = {
  SIGNATURE_MISSING: 'no Stripe-Signature header; nothing was stored',
  SIGNATURE_INVALID:
    'the Stripe-Signature header matches none of the endpoint secrets of this URL (nrr stripe connect); nothing was stored',
  TIMESTAMP_OUTSIDE_TOLERANCE:
    'the delivery was signed more than 300 seconds ago (a replay, or a clock far off); nothing was stored',
};

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
