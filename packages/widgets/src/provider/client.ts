import type { TypedDocument } from '../documents.ts';
import { apiErrorCode, NrrError } from './errors.ts';
import { type ActiveToken, type FetchToken, TokenManager } from './token.ts';

/** Options of {@link createNrrClient}. */
export interface NrrClientOptions {
  /** GraphQL endpoint URL, e.g. `https://analytics.example.com/graphql`. */
  readonly endpoint: string;
  /** Returns a fresh embed token; see {@link EmbedToken}. */
  readonly fetchToken: FetchToken;
  /** The `fetch` to use; default the global one, looked up at request time (never at import). */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock in ms since epoch; default `Date.now`. */
  readonly now?: () => number;
}

/** Per-request options of {@link NrrClient.request}. */
export interface NrrRequestOptions {
  /** Cancels the request. */
  readonly signal?: AbortSignal;
  /**
   * The tenant the caller expects (the one in its query key): if the current token reads another
   * tenant, the request fails with a `TOKEN` error instead of returning that tenant's data.
   */
  readonly tenant?: string | undefined;
}

/** Talks GraphQL to the NRR API with an embed token that it keeps fresh. */
export interface NrrClient {
  /** The token manager (current token, tenant, subscription to refreshes). */
  readonly tokens: TokenManager;
  /**
   * Runs `document` with `variables` and resolves its `data`. On an `UNAUTHENTICATED` answer it
   * fetches a new token and retries this request once; other errors reject with an {@link NrrError}.
   */
  request<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
    options?: NrrRequestOptions,
  ): Promise<TResult>;
}

interface GraphQLResponse {
  data?: unknown;
  errors?: readonly { message?: string; extensions?: { code?: unknown } }[];
}

/** Creates a client; it fetches nothing until the first request. */
export function createNrrClient(options: NrrClientOptions): NrrClient {
  const tokens = new TokenManager(options.fetchToken, options.now);

  async function send(query: string, variables: unknown, token: ActiveToken, signal?: AbortSignal) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(options.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${token.token}`,
        },
        body: JSON.stringify({ query, variables }),
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new NrrError('NETWORK', `Could not reach ${options.endpoint}: ${String(cause)}`, { cause });
    }
    let body: GraphQLResponse;
    try {
      body = (await response.json()) as GraphQLResponse;
    } catch (cause) {
      // A proxy or gateway may refuse the token before the API sees it, with no GraphQL body.
      if (response.status === 401)
        return new NrrError('UNAUTHENTICATED', `${options.endpoint} answered 401.`);
      throw new NrrError(
        'BAD_RESPONSE',
        `${options.endpoint} answered ${response.status} without a GraphQL body.`,
        {
          cause,
        },
      );
    }
    const first = body.errors?.[0];
    if (first) {
      return new NrrError(apiErrorCode(first.extensions?.code), first.message ?? 'Unknown GraphQL error');
    }
    if (!response.ok || body.data == null) {
      const code = response.status === 401 ? 'UNAUTHENTICATED' : 'BAD_RESPONSE';
      return new NrrError(code, `${options.endpoint} answered ${response.status} without data.`);
    }
    return body.data;
  }

  async function freshToken(tenant: string | undefined): Promise<ActiveToken> {
    const token = await tokens.current();
    if (tenant !== undefined && token.tenant !== tenant) {
      // The new token reads another tenant: this answer must not be cached under the old tenant's key.
      throw new NrrError(
        'TOKEN',
        `The embed token now reads tenant "${token.tenant}", not "${tenant}"; the query runs again for the new tenant.`,
      );
    }
    return token;
  }

  return {
    tokens,
    async request(document, variables, options = {}) {
      const query = String(document);
      let token = await freshToken(options.tenant);
      let result = await send(query, variables, token, options.signal);
      if (result instanceof NrrError && result.code === 'UNAUTHENTICATED') {
        tokens.invalidate(token.token);
        token = await freshToken(options.tenant);
        result = await send(query, variables, token, options.signal);
      }
      if (result instanceof NrrError) throw result;
      return result as never;
    },
  };
}
