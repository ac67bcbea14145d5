import { createContext, useContext } from 'react';
import type { Appearance, ThemeMode } from '../theme/appearance.ts';
import type { NrrClient } from './client.ts';
import type { NrrError } from './errors.ts';

/** Display settings every card reads; defaults apply outside any provider (static mode). */
export interface NrrSettingsValue {
  /** BCP 47 locale for numbers and dates; default `en-US`. */
  readonly locale: string;
  /** Colour mode; default `light`. */
  readonly theme: ThemeMode;
  /** Variable overrides applied on every card's root. */
  readonly appearance: Appearance | undefined;
}

/** What hooks need: the client, whose tenant the current token reads, and the report settings. */
export interface NrrSession {
  /** Sends the GraphQL requests and keeps the token fresh. */
  readonly client: NrrClient;
  /** Tenant named by the current embed token; `undefined` until the first token arrives. */
  readonly tenant: string | undefined;
  /** Why the first token could not be obtained, if it could not. */
  readonly tokenError: NrrError | undefined;
  /** Fetches a token again after `tokenError`. */
  readonly retryToken: () => void;
  /** Reporting currency override sent with queries (ISO 4217); `undefined` = the tenant's. */
  readonly currency: string | undefined;
  /** Clock used to resolve period presets (ms since epoch). */
  readonly now: () => number;
}

/** Carries {@link NrrSettingsValue}; internal to the package. */
export const SettingsContext = createContext<NrrSettingsValue>({
  locale: 'en-US',
  theme: 'light',
  appearance: undefined,
});

/** Carries {@link NrrSession}; `undefined` outside a provider. */
export const SessionContext = createContext<NrrSession | undefined>(undefined);

/** Locale, theme and appearance in effect (the nearest provider's, or the defaults). */
export function useNrrSettings(): NrrSettingsValue {
  return useContext(SettingsContext);
}

/**
 * The session of the nearest `<NrrProvider>`.
 * @throws Error when called outside one, saying how to fix it.
 */
export function useNrrSession(): NrrSession {
  const session = useContext(SessionContext);
  if (!session) {
    throw new Error(
      'NRR hooks and data-mode cards must be rendered inside <NrrProvider endpoint fetchToken>: wrap the tree in <NrrProvider>, or pass a `data` prop to render a card without the API.',
    );
  }
  return session;
}
