/**
 * Builds the HTTP API without listening (tests call `api.fetch`; ./server.ts listens):
 * GraphQL at `/graphql` (GraphiQL in a browser), `POST /v1/embed-tokens`,
 * `POST /v1/webhooks/stripe/{tenantId}` (Stripe's deliveries), per-tenant CORS,
 * authentication, rate limits, query limits and error masking.
 */
import { GraphQLError, type GraphQLSchema, parse } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { defaultEngineWorkers, EnginePool } from './analytics/engine-pool.ts';
import { TimelineCache } from './analytics/tenant-analytics.ts';
import { CallerCache } from './auth/caller-cache.ts';
import { tokenKey as toTokenKey } from './auth/embed-tokens.ts';
import { authenticate, type Principal } from './auth/principal.ts';
import type { ApiContext } from './context.ts';
import type { Db } from './db/connect.ts';
import { ApiError, HTTP_STATUS, requestError } from './errors.ts';
import { graphiqlAssets, renderLocalGraphiQL } from './graphiql.ts';
import { bodyLimit } from './internal/body-limit.ts';
import { MAX_TOKENS, queryLimitErrors } from './internal/query-limits.ts';
import { RateLimiter } from './internal/rate-limit.ts';
import { responseLimit } from './internal/response-limit.ts';
import { resultCache } from './internal/result-cache.ts';
import { DEFAULT_WORK_BUDGET, WorkBudget } from './internal/work-budget.ts';
import { handleEmbedTokenRequest } from './rest/embed-tokens.ts';
import {
  DEFAULT_MAX_STRIPE_BODY_BYTES,
  handleStripeWebhook,
  STRIPE_WEBHOOK_PATH,
} from './rest/stripe-webhooks.ts';
import { buildSchema } from './schema/index.ts';

/** A token bucket: a burst of `capacity` requests, refilled at `perSecond`. */
export interface BucketSize {
  readonly capacity: number;
  readonly perSecond: number;
}

/**
 * Request rates an API instance allows (each instance its own buckets). Every field is a bucket
 * size; a request over any of them is answered `429 RATE_LIMITED` with `Retry-After`.
 */
export interface RateLimitOptions extends BucketSize {
  /**
   * Per tenant, all its credentials together, so minting new embed tokens (each with a bucket of
   * its own) does not escape the limit; default 10× the per-credential `capacity` and `perSecond`.
   */
  readonly tenant?: BucketSize;
  /**
   * Failed authentications (`401`) per client address; default a burst of 20, 1 per second. Once
   * exhausted, the address's requests are refused before any credential is looked up.
   */
  readonly failedAuth?: BucketSize;
}

/** What the API is served with: Node's `IncomingMessage` as `req` (./server.ts), or nothing. */
export interface ServerContext {
  readonly req?: { readonly socket?: { readonly remoteAddress?: string | undefined } };
}

/** How to build the API. */
export interface ApiOptions {
  readonly db: Db;
  /** Secret that signs embed tokens (≥ 32 bytes); share it between instances. */
  readonly tokenSecret: string;
  /**
   * Rate limits: per credential 300 burst and 50 per second by default (`capacity`,
   * `perSecond`); per tenant and per client address for failed authentications, see
   * {@link RateLimitOptions}. `false` disables them all.
   */
  readonly rateLimit?: RateLimitOptions | false;
  /**
   * The client address failed authentications are counted by; default the socket's remote
   * address (`req.socket.remoteAddress`). Behind a reverse proxy every client has the proxy's
   * address: return the address the proxy reports (e.g. the last `X-Forwarded-For` entry it
   * appends), never a header a client could set. `undefined` counts the request as "unknown".
   */
  readonly clientAddress?: (request: Request, serverContext: ServerContext) => string | undefined;
  /**
   * Serve GraphiQL to browsers at `/graphql` (default true), with its files from this server
   * (./graphiql.ts), never a CDN. An object also prefills the page: `defaultHeaders` (a JSON object
   * as text) fills the header editor, for browsers on this machine only (loopback addresses), so a
   * local demo key is never handed to another host; `defaultQuery` fills the query editor.
   * `pnpm start` passes its demo key and a first query this way.
   */
  readonly graphiql?: boolean | { readonly localDefaultHeaders?: string; readonly defaultQuery?: string };
  /**
   * How long (ms) this instance trusts what it read about a secret key or a tenant (revocation,
   * data version, allowed origins) before reading it again; default 1000. Changes made in this
   * process (revoking a key, imports through the API, `setFxRates`, `setAllowedOrigins`) apply at
   * once; changes made by other processes within this time. 0 reads the database on every request.
   */
  readonly cacheTtlMs?: number;
  /**
   * The operator's secrets key (32 bytes, `NRR_SECRETS_KEY`), which decrypts the tenants' Stripe
   * endpoint secrets; without it `POST /v1/webhooks/stripe/{tenantId}` answers 404
   * `STRIPE_NOT_CONFIGURED` (see ./rest/stripe-webhooks.ts).
   */
  readonly stripeSecretsKey?: Buffer;
  /** Largest Stripe webhook delivery accepted, in bytes (larger: 400 `BODY_TOO_LARGE`); default 1,000,000. */
  readonly maxStripeWebhookBodyBytes?: number;
  /** Largest request body accepted, in bytes (larger: HTTP 413); default 25,000,000. */
  readonly maxRequestBodyBytes?: number;
  /**
   * Engine work one request may cause, in customer-windows (customers × windows evaluated, see
   * ./internal/work-budget.ts); default 40,000,000. Questions answered from memory cost nothing;
   * past the limit a question is refused with `COST_LIMIT`. `Infinity` disables it.
   */
  readonly workBudget?: number;
  /** Largest GraphQL response, in bytes of JSON (larger: `COST_LIMIT`, HTTP 400); default 10,000,000. */
  readonly maxResponseBytes?: number;
  /**
   * Worker threads that build timelines and compute figures, so that one tenant's heavy question
   * does not hold up other requests; tenants take turns (round-robin) for them. Default: the
   * available parallelism minus one, at least 1. 0 computes on the request thread.
   */
  readonly engineWorkers?: number;
  /**
   * Outbound webhooks: `allowPrivate` lets endpoints use loopback, private, link-local and
   * unique-local addresses (default false; `NRR_WEBHOOKS_ALLOW_PRIVATE=1`). The dispatcher that
   * sends them is started beside the API (`startApi`, `nrr serve`; ./webhooks/dispatcher.ts).
   */
  readonly webhooks?: { readonly allowPrivate?: boolean };
}

/** The built API. */
export interface Api {
  readonly yoga: YogaServerInstance<ServerContext, ApiContext>;
  /**
   * Handles one request (WHATWG fetch signature); `serverContext` as the HTTP server passes it
   * (the client address is read from it), none in-process.
   */
  readonly fetch: (request: Request, serverContext?: ServerContext) => Promise<Response>;
  readonly timelines: TimelineCache;
  /** The engine's worker threads; `undefined` with `engineWorkers: 0`. */
  readonly engine: EnginePool | undefined;
  /** Stops the engine's worker threads (idle ones never keep the process alive). */
  close(): Promise<void>;
  /** Verified keys and tenant rows (see `cacheTtlMs`). */
  readonly callers: CallerCache;
  readonly schema: GraphQLSchema;
}

/** Builds the API over an open, migrated database. */
export function createApi(options: ApiOptions): Api {
  const { db } = options;
  const key = toTokenKey(options.tokenSecret);
  const workers = options.engineWorkers ?? defaultEngineWorkers();
  const engine = workers === 0 ? undefined : new EnginePool(workers);
  const timelines = new TimelineCache(32, engine);
  const callers = new CallerCache(db, options.cacheTtlMs === undefined ? {} : { ttlMs: options.cacheTtlMs });
  const lookups = {
    findKey: (secret: string) => callers.key(secret),
    verifyToken: (token: string) => callers.embedToken(key, token),
  };
  const rates = options.rateLimit === false ? undefined : options.rateLimit;
  const buckets =
    options.rateLimit === false
      ? undefined
      : {
          credential: new RateLimiter(rates?.capacity ?? 300, rates?.perSecond ?? 50),
          tenant: new RateLimiter(
            rates?.tenant?.capacity ?? (rates?.capacity ?? 300) * 10,
            rates?.tenant?.perSecond ?? (rates?.perSecond ?? 50) * 10,
          ),
          failedAuth: new RateLimiter(rates?.failedAuth?.capacity ?? 20, rates?.failedAuth?.perSecond ?? 1),
        };
  const clientAddress =
    options.clientAddress ??
    ((_request: Request, context: ServerContext) => context.req?.socket?.remoteAddress);
  const corsOrigin = new WeakMap<Request, string>();
  const schema = buildSchema();
  const workBudget = options.workBudget ?? DEFAULT_WORK_BUDGET;
  const webhookPolicy = { allowPrivate: options.webhooks?.allowPrivate ?? false };

  /** A 429 naming what was exhausted, with the seconds until `limiter` has a token for `bucket`. */
  const rateLimited = (limiter: RateLimiter, bucket: string, message: string) =>
    requestError('RATE_LIMITED', message, { 'retry-after': String(limiter.retryAfterSeconds(bucket)) });

  /**
   * Everything about the caller a request needs, or an error with its HTTP status. A client
   * address that failed to authenticate too often is refused before its credential is looked up.
   */
  async function resolveCaller(
    request: Request,
    serverContext: ServerContext,
  ): Promise<{ principal: Principal; context: ApiContext }> {
    const client = `client:${clientBucket(clientAddress(request, serverContext))}`;
    if (buckets?.failedAuth.exhausted(client)) {
      throw rateLimited(buckets.failedAuth, client, 'too many failed authentications from this address');
    }
    let principal: Principal;
    try {
      principal = await authenticate(db, key, request.headers.get('authorization'), lookups);
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.code === 'UNAUTHENTICATED' && buckets && !buckets.failedAuth.take(client)) {
          throw rateLimited(buckets.failedAuth, client, 'too many failed authentications from this address');
        }
        throw requestError(error.code, error.message);
      }
      throw error;
    }
    if (buckets) {
      const credential =
        principal.kind === 'SECRET_KEY' ? `key:${principal.keyId}` : `token:${principal.tokenId}`;
      if (!buckets.credential.take(credential)) {
        throw rateLimited(buckets.credential, credential, 'too many requests for this credential');
      }
      // Every credential of the tenant together: new embed tokens each have a fresh bucket above.
      const tenantBucket = `tenant:${principal.tenantId}`;
      if (!buckets.tenant.take(tenantBucket)) {
        throw rateLimited(buckets.tenant, tenantBucket, `too many requests for tenant ${principal.tenantId}`);
      }
    }
    // One indexed read by the principal's own tenant id (cached for `cacheTtlMs`); tenant data
    // itself goes through withTenant.
    const tenant = await callers.tenant(principal.tenantId);
    if (!tenant) throw requestError('UNAUTHENTICATED', `tenant ${principal.tenantId} no longer exists`);
    const origin = request.headers.get('origin');
    if (origin && origin !== new URL(request.url).origin) {
      if (!tenant.allowedOrigins.includes(origin)) {
        throw requestError('FORBIDDEN', `origin ${origin} is not allowed for tenant ${tenant.tenantId}`);
      }
      corsOrigin.set(request, origin);
    }
    return {
      principal,
      context: {
        db,
        principal,
        tenant,
        tokenKey: key,
        analytics: timelines.forTenant(db, tenant),
        budget: new WorkBudget(workBudget),
        webhookPolicy,
      },
    };
  }

  const cors: Plugin = {
    onRequest({ request, endResponse, fetchAPI }) {
      const origin = request.headers.get('origin');
      if (request.method !== 'OPTIONS' || !origin) return;
      // A preflight carries no credentials, so it cannot be checked against a tenant: every
      // origin gets the same answer (its own origin echoed), which reveals nothing about which
      // origins any tenant allows. The real request is checked against its own tenant's list
      // (resolveCaller), and only an allowed origin gets CORS headers on it.
      const headers = new fetchAPI.Headers({
        vary: 'Origin',
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      endResponse(new fetchAPI.Response(null, { status: 204, headers }));
    },
    onResponse({ request, response }) {
      const origin = corsOrigin.get(request);
      if (origin) {
        response.headers.set('access-control-allow-origin', origin);
        response.headers.append('vary', 'Origin');
      }
    },
  };

  const rest: Plugin<Record<string, unknown>, ServerContext> = {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname.startsWith(STRIPE_WEBHOOK_PATH)) {
        const client = `client:${clientBucket(clientAddress(request, serverContext))}`;
        endResponse(
          await handleStripeWebhook(request, url, fetchAPI, {
            db,
            secretsKey: options.stripeSecretsKey,
            maxBodyBytes: options.maxStripeWebhookBodyBytes ?? DEFAULT_MAX_STRIPE_BODY_BYTES,
            limits: buckets && { failedAuth: buckets.failedAuth, tenant: buckets.tenant, client },
          }),
        );
        return;
      }
      if (url.pathname !== '/v1/embed-tokens') return;
      endResponse(
        await handleEmbedTokenRequest(request, fetchAPI, (caller) => resolveCaller(caller, serverContext)),
      );
    },
  };

  const limits: Plugin = {
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => parse(source, { ...parseOptions, maxTokens: MAX_TOKENS }));
    },
    onValidate({ params, setResult }) {
      // Our limits first, in linear time and without a schema: a document over them is refused
      // before graphql's own rules (some super-linear in the document) ever see it.
      const refused = queryLimitErrors(params.documentAST);
      if (refused.length > 0) setResult(refused);
      // An invalid document is the client's to fix: BAD_USER_INPUT, HTTP 400.
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map(
            (error) =>
              new GraphQLError(error.message, {
                nodes: error.nodes ?? null,
                extensions: { ...error.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } },
              }),
          ),
        );
      };
    },
  };

  const yoga = createYoga<ServerContext, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: graphiqlOptions(options.graphiql ?? true),
    renderGraphiQL: renderLocalGraphiQL,
    landingPage: false,
    cors: false,
    logging: clientErrorsSilenced(),
    plugins: [
      graphiqlAssets(),
      cors,
      rest,
      limits,
      responseLimit(options.maxResponseBytes),
      resultCache(),
      bodyLimit(options.maxRequestBodyBytes),
    ],
    // Replaced by bodyLimit, which does not count a body whose Content-Length was checked.
    maxRequestBodySize: false,
    context: async ({ request, req }) => (await resolveCaller(request, req ? { req } : {})).context,
    maskedErrors: {
      isDev: false,
      maskError(error) {
        return toClientError(error);
      },
    },
  });

  return {
    yoga,
    fetch: async (request, serverContext = {}) => yoga.fetch(request, serverContext),
    timelines,
    engine,
    close: async () => engine?.close(),
    callers,
    schema,
  };
}

/** Yoga's `graphiql` option: off, on, or on with headers prefilled for loopback browsers. */
function graphiqlOptions(setting: NonNullable<ApiOptions['graphiql']>) {
  if (typeof setting === 'boolean') return setting;
  const { localDefaultHeaders: headers, defaultQuery } = setting;
  const query = defaultQuery === undefined ? {} : { defaultQuery };
  return (_request: Request, serverContext: ServerContext | undefined) => {
    const address = serverContext?.req?.socket?.remoteAddress;
    return headers !== undefined && address !== undefined && isLoopback(address)
      ? { ...query, defaultHeaders: headers }
      : query;
  };
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * The bucket of a client address: an IPv4 address (IPv4-mapped IPv6 included) as is, an IPv6
 * address by its /64 prefix (one host is usually given a whole /64), "unknown" when there is none.
 */
export function clientBucket(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const CODES = new Set<string>(Object.keys(HTTP_STATUS));

/**
 * Yoga's logger, minus errors meant for the client (bad credentials, bad input): those are
 * answers, not incidents. Anything else, including every `INTERNAL` cause, is logged in full.
 */
function clientErrorsSilenced() {
  const isClientError = (value: unknown) => {
    const code = isGraphQLErrorLike(value) ? value.extensions?.code : undefined;
    return (
      (typeof code === 'string' && CODES.has(code) && code !== 'INTERNAL') ||
      code === 'GRAPHQL_PARSE_FAILED' ||
      code === 'GRAPHQL_VALIDATION_FAILED' ||
      code === 'REQUEST_ENTITY_TOO_LARGE' ||
      code === 'BAD_REQUEST'
    );
  };
  return {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => console.warn(...args),
    error: (...args: unknown[]) => {
      if (args.some(isClientError)) return;
      console.error(...args);
    },
  };
}

/** An error as the client sees it: our own codes pass through; anything else is `INTERNAL`, without detail. */
export function toClientError(error: unknown): GraphQLError {
  // Duck-typed: GraphQLError may come from another copy of graphql (ESM and CJS builds both load).
  const outer = isGraphQLErrorLike(error) ? error : undefined;
  const inner = outer?.originalError;
  const source = isGraphQLErrorLike(inner) ? inner : outer;
  const raw = source?.extensions?.code;
  // graphql-js and Yoga report unparsable and invalid documents with their own codes; they are 400s.
  const invalidDocument = raw === 'GRAPHQL_PARSE_FAILED' || raw === 'GRAPHQL_VALIDATION_FAILED';
  const code = invalidDocument ? 'BAD_USER_INPUT' : raw;
  const location = { nodes: outer?.nodes ?? null, path: outer?.path ?? null };
  if (source && typeof code === 'string' && CODES.has(code)) {
    const { http, ...extensions } = source.extensions ?? {};
    const status = invalidDocument ? { status: 400 } : http;
    return new GraphQLError(source.message, {
      ...location,
      extensions: { ...extensions, code, ...(status ? { http: status } : {}) },
    });
  }
  // Request errors raised before execution, with no cause behind them: Yoga's request checks (no
  // query string, bad params; they carry a 4xx `http.status`) and graphql's variable coercion
  // (`Variable "$input" got invalid value 42 at "input.text"; String cannot represent a non string
  // value`: no path, caused by a scalar's own GraphQLError). Their messages are for the client. A
  // cause that is a plain Error (a database failure while building the context) stays INTERNAL.
  if (outer && (outer.path === undefined || outer.path === null) && (!inner || isGraphQLErrorLike(inner))) {
    const http = outer.extensions?.http as { status?: number } | undefined;
    const status = typeof http?.status === 'number' && http.status < 500 ? http.status : 400;
    return new GraphQLError(outer.message, {
      ...location,
      extensions: { code: 'BAD_USER_INPUT', http: { ...http, status } },
    });
  }
  // graphql's coercion of a field's arguments during execution (a variable with a default sent
  // as null where null is not allowed; a literal a scalar refuses): a located error whose cause is
  // a GraphQLError of graphql's or a scalar's own, with no code and no cause of its own.
  if (
    outer &&
    isGraphQLErrorLike(inner) &&
    inner.extensions?.code === undefined &&
    (inner.originalError === undefined || inner.originalError === null)
  ) {
    return new GraphQLError(inner.message, {
      ...location,
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
  return new GraphQLError('internal error', { ...location, extensions: { code: 'INTERNAL' } });
}

function isGraphQLErrorLike(value: unknown): value is GraphQLError {
  return value instanceof Error && typeof (value as { extensions?: unknown }).extensions === 'object';
}
