import type { EmbedToken } from '../src/index.ts';
import { b2bComparison, benchmarks, cohorts, defaultDefinitions, report } from './fixtures.ts';

/** An unsigned JWT (the client never verifies; the server does) with the given claims. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** One request as the fake server saw it. */
export interface SeenRequest {
  readonly operation: string;
  readonly token: string;
  readonly variables: Record<string, unknown>;
}

type Answer = { status?: number; body: unknown };

/**
 * A stand-in for the network only: a `fetch` that answers GraphQL requests by operation name,
 * and a `fetchToken` that mints JWTs `token-1`, `token-2`, … expiring `ttlMs` after `clock()`.
 * `refuse` lists tokens the server answers `UNAUTHENTICATED` to.
 */
export function fakeNetwork(options: {
  clock: () => number;
  ttlMs?: number;
  tenant?: string | (() => string);
}) {
  const seen: SeenRequest[] = [];
  const refuse = new Set<string>();
  const issued: string[] = [];
  const tenantOf = new Map<string, string>();
  let override: ((request: SeenRequest) => Answer | Promise<Answer> | undefined) | undefined;

  const fetchToken = async (): Promise<EmbedToken> => {
    const tenant = typeof options.tenant === 'function' ? options.tenant() : (options.tenant ?? 'acme');
    const token = jwt({
      sub: tenant,
      exp: Math.floor((options.clock() + (options.ttlMs ?? 15 * 60_000)) / 1000),
      n: issued.length + 1,
    });
    issued.push(token);
    tenantOf.set(token, tenant);
    return token;
  };

  const fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
    const operation = /query (\w+)/.exec(body.query)?.[1] ?? '?';
    const request = { operation, token, variables: body.variables };
    seen.push(request);
    const answer = (await override?.(request)) ?? defaultAnswer(request);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  };

  function defaultAnswer(request: SeenRequest): Answer {
    if (refuse.has(request.token)) {
      return {
        status: 401,
        body: {
          errors: [{ message: 'The embed token has expired.', extensions: { code: 'UNAUTHENTICATED' } }],
        },
      };
    }
    const input = (request.variables.input ?? {}) as { from: string; to: string; method?: string };
    // Each tenant's figures are marked with its name as their currency, to catch cross-tenant caching.
    const mark = { from: input.from, to: input.to, currency: tenantOf.get(request.token) ?? '?' };
    switch (request.operation) {
      case 'NrrRetention':
        return { body: { data: { retention: report(mark) } } };
      case 'NrrRetentionSeries':
        return { body: { data: { retentionSeries: [report(mark)] } } };
      case 'NrrCohorts':
        return { body: { data: { cohorts: { ...cohorts, currency: mark.currency } } } };
      case 'NrrMovements':
        return {
          body: {
            data: {
              movements: {
                totalCount: 0,
                pageInfo: { hasNextPage: false, endCursor: null },
                edges: [],
                definitions: defaultDefinitions,
              },
            },
          },
        };
      case 'NrrBenchmarks':
        return {
          body: { data: { benchmarks: [...benchmarks.map((c) => c.benchmark), b2bComparison.benchmark] } },
        };
      case 'NrrBenchmarkComparison': {
        const key = (request.variables.input as { benchmark: string }).benchmark;
        const found = [...benchmarks, b2bComparison].find((c) => c.benchmark.key === key);
        return found
          ? { body: { data: { benchmarkComparison: found } } }
          : { body: { errors: [{ message: `No benchmark ${key}`, extensions: { code: 'NOT_FOUND' } }] } };
      }
      default:
        return {
          body: {
            errors: [{ message: `No fake for ${request.operation}`, extensions: { code: 'INTERNAL' } }],
          },
        };
    }
  }

  return {
    fetch: fetch as typeof globalThis.fetch,
    fetchToken,
    seen,
    issued,
    refuse,
    /** Answers matching requests differently; return undefined to fall back to the default. */
    answer(handler: typeof override) {
      override = handler;
    },
  };
}
