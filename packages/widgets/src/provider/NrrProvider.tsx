import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Appearance, ThemeMode } from '../theme/appearance.ts';
import { createNrrClient, type NrrClient } from './client.ts';
import { type NrrSession, SessionContext, SettingsContext } from './context.ts';
import { NrrError } from './errors.ts';
import { OutageBanner, OutageContext, type OutageRenderer, useQueryOutage, useRetryAll } from './outage.tsx';
import type { FetchToken } from './token.ts';

/** Props of {@link NrrProvider}. */
export interface NrrProviderProps {
  /** GraphQL endpoint, e.g. `https://analytics.example.com/graphql`. Ignored when `client` is given. */
  readonly endpoint?: string;
  /** Returns a fresh embed token (minted by the host's backend). Ignored when `client` is given. */
  readonly fetchToken?: FetchToken;
  /** A client made with `createNrrClient`, e.g. one already used for prefetching. */
  readonly client?: NrrClient;
  /** BCP 47 locale for numbers and dates; default `en-US`. */
  readonly locale?: string;
  /** Reporting currency to request (ISO 4217); default the tenant's own. */
  readonly currency?: string;
  /** `light` (default), `dark`, or `system` (follows `prefers-color-scheme`). */
  readonly theme?: ThemeMode;
  /** `--nrr-*` variable overrides, applied in every mode. */
  readonly appearance?: Appearance;
  /** The host's QueryClient; default a private one. */
  readonly queryClient?: QueryClient;
  /** Clock for period presets (ms since epoch); default `Date.now`. */
  readonly now?: () => number;
  /**
   * What to show, once, when nothing can load (the API unreachable, or the first token failed):
   * default a `role="alert"` banner before the children, with a retry and the details; cards then
   * say only that they are not loaded. `null` shows nothing here and lets every card show its error.
   */
  readonly renderOutage?: OutageRenderer | null;
  /** Cards and hooks that read the API. */
  readonly children?: ReactNode;
}

/**
 * Connects cards and hooks to the NRR API. Fetches the embed token once on mount to learn the
 * tenant, keeps it fresh (before expiry, and once on `UNAUTHENTICATED`) without refetching queries,
 * and puts the tenant in every query key, so a token for another tenant never reads cached figures.
 */
export function NrrProvider(props: NrrProviderProps): ReactNode {
  const { endpoint, fetchToken, client: given } = props;
  // fetchToken is usually an inline arrow: read the latest one through a ref, so that a new
  // function identity on every render neither makes a new client nor fetches a new token.
  const latestFetchToken = useRef(fetchToken);
  latestFetchToken.current = fetchToken;
  const hasFetchToken = fetchToken !== undefined;
  const client = useMemo(() => {
    if (given) return given;
    if (!endpoint || !hasFetchToken) {
      throw new Error(
        '<NrrProvider> needs `endpoint` and `fetchToken` (or a `client` from createNrrClient).',
      );
    }
    return createNrrClient({
      endpoint,
      fetchToken: () => {
        const current = latestFetchToken.current;
        return current ? current() : Promise.reject(new Error('<NrrProvider> lost its fetchToken prop.'));
      },
    });
  }, [given, endpoint, hasFetchToken]);
  const [ownQueryClient] = useState(() => new QueryClient());
  const [tenant, setTenant] = useState(client.tokens.active?.tenant);
  const [tokenError, setTokenError] = useState<NrrError>();
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the first fetch on retry.
  useEffect(() => {
    const unsubscribe = client.tokens.subscribe((token) => setTenant(token.tenant));
    setTenant(client.tokens.active?.tenant);
    setTokenError(undefined);
    client.tokens.current().then(
      (token) => setTenant(token.tenant),
      (error: unknown) =>
        setTokenError(
          error instanceof NrrError ? error : new NrrError('TOKEN', String(error), { cause: error }),
        ),
    );
    return unsubscribe;
  }, [client, attempt]);

  const retryToken = useCallback(() => setAttempt((n) => n + 1), []);
  const now = props.now ?? Date.now;
  const session = useMemo<NrrSession>(
    () => ({ client, tenant, tokenError, retryToken, currency: props.currency, now }),
    [client, tenant, tokenError, retryToken, props.currency, now],
  );
  const settings = useMemo(
    () => ({ locale: props.locale ?? 'en-US', theme: props.theme ?? 'light', appearance: props.appearance }),
    [props.locale, props.theme, props.appearance],
  );
  return (
    <QueryClientProvider client={props.queryClient ?? ownQueryClient}>
      <SettingsContext.Provider value={settings}>
        <SessionContext.Provider value={session}>
          <Outage session={session} render={props.renderOutage}>
            {props.children}
          </Outage>
        </SessionContext.Provider>
      </SettingsContext.Provider>
    </QueryClientProvider>
  );
}

/** Provides the outage to the cards and shows it once (see `renderOutage`). */
function Outage(props: {
  readonly session: NrrSession;
  readonly render: OutageRenderer | null | undefined;
  readonly children: ReactNode;
}): ReactNode {
  const { session } = props;
  const queryOutage = useQueryOutage();
  const error = session.tenant === undefined && session.tokenError ? session.tokenError : queryOutage;
  const retry = useRetryAll(session.tokenError ? session.retryToken : undefined);
  const shown = error !== undefined && props.render !== null;
  const value = useMemo(() => ({ error, shown, retry }), [error, shown, retry]);
  return (
    <OutageContext.Provider value={value}>
      {error && shown ? (
        props.render ? (
          props.render(error, retry)
        ) : (
          <OutageBanner error={error} retry={retry} />
        )
      ) : null}
      {props.children}
    </OutageContext.Provider>
  );
}

/** Props of {@link NrrSettings}. */
export interface NrrSettingsProps {
  /** BCP 47 locale for numbers and dates; default `en-US`. */
  readonly locale?: string;
  /** `light` (default), `dark` or `system`. */
  readonly theme?: ThemeMode;
  /** `--nrr-*` variable overrides, applied in every mode. */
  readonly appearance?: Appearance;
  /** Static-mode cards. */
  readonly children?: ReactNode;
}

/** Locale and theme for static-mode cards (`data` prop) rendered without an `<NrrProvider>`. */
export function NrrSettings(props: NrrSettingsProps): ReactNode {
  const value = useMemo(
    () => ({ locale: props.locale ?? 'en-US', theme: props.theme ?? 'light', appearance: props.appearance }),
    [props.locale, props.theme, props.appearance],
  );
  return <SettingsContext.Provider value={value}>{props.children}</SettingsContext.Provider>;
}
