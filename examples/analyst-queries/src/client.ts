/** A minimal GraphQL client for a server-side script: one POST per operation, the secret key as bearer. */

/** Where the API is and how to authenticate. */
export interface ApiConnection {
  /** Base URL of the API, e.g. `http://localhost:4000` (the GraphQL endpoint is `<url>/graphql`). */
  readonly url: string;
  /** Secret API key, `nrr_sk_…` (read scope is enough). */
  readonly key: string;
  /** The `fetch` to use; default the global one. */
  readonly fetch?: typeof globalThis.fetch;
}

/** An error answered by the API (`code` is its `extensions.code`) or a failure to reach it (`NETWORK`). */
export class ApiQueryError extends Error {
  /** `UNAUTHENTICATED`, `BAD_USER_INPUT`, … as the API says, or `NETWORK`/`HTTP` when there was no GraphQL answer. */
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiQueryError';
    this.code = code;
  }
}

/** Runs one operation of `document` (a whole `.graphql` file; `operationName` picks one) and returns its `data`. */
export async function runQuery<TData>(
  connection: ApiConnection,
  document: string,
  variables: Record<string, unknown>,
  operationName?: string,
): Promise<TData> {
  const endpoint = `${connection.url.replace(/\/+$/, '')}/graphql`;
  let response: Response;
  try {
    response = await (connection.fetch ?? fetch)(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${connection.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: document, variables, ...(operationName ? { operationName } : {}) }),
    });
  } catch (error) {
    throw new ApiQueryError('NETWORK', `could not reach ${endpoint}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const text = await response.text();
  let body: { data?: TData | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new ApiQueryError(
      'HTTP',
      `${endpoint} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  const [first] = body.errors ?? [];
  if (first) throw new ApiQueryError(first.extensions?.code ?? 'INTERNAL', first.message);
  if (!body.data) throw new ApiQueryError('HTTP', `${endpoint} answered ${response.status} with no data`);
  return body.data;
}
