/**
 * Builds the HTTP API without listening (tests call `api.fetch`; ./server.ts listens):
 * GraphQL at `/graphql` (GraphiQL in a browser), `POST /v1/embed-tokens`, per-tenant CORS,
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
import { bodyLimit } from './internal/body-limit.ts';
import { MAX_TOKENS, queryLimitsRule } from './internal/query-limits.ts';
import { RateLimiter } from './internal/rate-limit.ts';
import { responseLimit } from './internal/response-limit.ts';
import { resultCache } from './internal/result-cache.ts';
import { DEFAULT_WORK_BUDGET, WorkBudget } from './internal/work-budget.ts';
import { handleEmbedTokenRequest } from './rest/embed-tokens.ts';
import { buildSchema } from './schema/index.ts';
import { anyTenantAllowsOrigin } from './tenants.ts';

/** How to build the API. */
export interface ApiOptions {
  readonly db: Db;
  /** Secret that signs embed tokens (≥ 32 bytes); share it between instances. */
  readonly tokenSecret: string;
  /** Per-credential token bucket; default 300 burst, 50 per second. `false` disables it. */
  readonly rateLimit?: { capacity: number; perSecond: number } | false;
  /** Serve GraphiQL to browsers at `/graphql` (default true). */
  readonly graphiql?: boolean;
  /**
   * How long (ms) this instance trusts what it read about a secret key or a tenant (revocation,
   * data version, allowed origins) before reading it again; default 1000. Changes made in this
   * process (revoking a key, imports through the API, `setFxRates`, `setAllowedOrigins`) apply at
   * once; changes made by other processes within this time. 0 reads the database on every request.
   */
  readonly cacheTtlMs?: number;
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
}

/** The built API. */
export interface Api {
  readonly yoga: YogaServerInstance<Record<string, never>, ApiContext>;
  /** Handles one request (WHATWG fetch signature). */
  readonly fetch: (request: Request) => Promise<Response>;
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
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter(options.rateLimit?.capacity ?? 300, options.rateLimit?.perSecond ?? 50);
  const corsOrigin = new WeakMap<Request, string>();
  const schema = buildSchema();
  const workBudget = options.workBudget ?? DEFAULT_WORK_BUDGET;

  /** Everything about the caller a request needs, or an error with its HTTP status. */
  async function resolveCaller(request: Request): Promise<{ principal: Principal; context: ApiContext }> {
    let principal: Principal;
    try {
      principal = await authenticate(db, key, request.headers.get('authorization'), lookups);
    } catch (error) {
      if (error instanceof ApiError) throw requestError(error.code, error.message);
      throw error;
    }
    const bucket = principal.kind === 'SECRET_KEY' ? `key:${principal.keyId}` : `token:${principal.tokenId}`;
    if (limiter && !limiter.take(bucket)) {
      throw requestError('RATE_LIMITED', 'too many requests for this credential; retry in a second');
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
      },
    };
  }

  const cors: Plugin = {
    async onRequest({ request, endResponse, fetchAPI }) {
      const origin = request.headers.get('origin');
      if (request.method !== 'OPTIONS' || !origin) return;
      // Preflights carry no credentials, so they pass for any origin some tenant allows; the real
      // request is then checked against its own tenant's list.
      const headers = new fetchAPI.Headers({ vary: 'Origin' });
      if (await anyTenantAllowsOrigin(db, origin)) {
        headers.set('access-control-allow-origin', origin);
        headers.set('access-control-allow-methods', 'GET, POST, OPTIONS');
        headers.set('access-control-allow-headers', 'authorization, content-type');
        headers.set('access-control-max-age', '600');
      }
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

  const rest: Plugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/v1/embed-tokens') return;
      endResponse(await handleEmbedTokenRequest(request, fetchAPI, resolveCaller));
    },
  };

  const limits: Plugin = {
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => parse(source, { ...parseOptions, maxTokens: MAX_TOKENS }));
    },
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule());
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

  const yoga = createYoga<Record<string, never>, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: options.graphiql ?? true,
    landingPage: false,
    cors: false,
    logging: clientErrorsSilenced(),
    plugins: [
      cors,
      rest,
      limits,
      responseLimit(options.maxResponseBytes),
      resultCache(),
      bodyLimit(options.maxRequestBodyBytes),
    ],
    // Replaced by bodyLimit, which does not count a body whose Content-Length was checked.
    maxRequestBodySize: false,
    context: async ({ request }) => (await resolveCaller(request)).context,
    maskedErrors: {
      isDev: false,
      maskError(error) {
        return toClientError(error);
      },
    },
  });

  return {
    yoga,
    fetch: async (request) => yoga.fetch(request),
    timelines,
    engine,
    close: async () => engine?.close(),
    callers,
    schema,
  };
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
