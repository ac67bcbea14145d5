import { useEffect, useState } from 'react';

/** What the panel's backend tells the browser (`GET /api/config`). */
export interface PanelConfig {
  /** The NRR API's GraphQL endpoint, called directly by the cards with the embed token. */
  readonly graphqlEndpoint: string;
}

/** Loads the panel's config once; `error` says why it could not. */
export function usePanelConfig(): { config?: PanelConfig; error?: string } {
  const [state, setState] = useState<{ config?: PanelConfig; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    fetch('/api/config', { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`GET /api/config answered ${response.status}`);
        setState({ config: (await response.json()) as PanelConfig });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted)
          setState({ error: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, []);
  return state;
}

/**
 * The provider's `fetchToken`: asks this app's backend, which holds the secret key, for an embed
 * token. The backend answers `{ token, expiresAt, tenantId }`, which the provider takes as it is.
 */
export async function fetchEmbedToken(): Promise<{ token: string; expiresAt: string; tenantId: string }> {
  const response = await fetch('/api/nrr-token', { method: 'POST' });
  const body = (await response.json()) as { token: string; expiresAt: string; tenantId: string } & {
    error?: { code: string; message: string };
  };
  if (!response.ok) throw new Error(body.error?.message ?? `POST /api/nrr-token answered ${response.status}`);
  return body;
}
