import { type ReactNode, useId } from 'react';
import { DefinitionsDisclosure } from '../cards/DefinitionsDisclosure.tsx';
import { useNrrSettings } from '../provider/context.ts';
import { NrrError } from '../provider/errors.ts';
import { useOutage } from '../provider/outage.tsx';
import { appearanceStyle } from '../theme/appearance.ts';
import type { DefinitionsResult } from '../types.ts';
import { ErrorActions } from './ErrorActions.tsx';
import { isOutage, plainReason } from './errorText.ts';

/** What a card shows instead of (or as) its content. */
export type CardState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: Error; readonly retry: () => void }
  | { readonly status: 'empty' }
  | { readonly status: 'ready' };

/** Render overrides every card accepts for its non-ready states. */
export interface CardStateRenderers {
  /** Replaces the default loading placeholder (a `role="status"` skeleton the size of the content). */
  readonly renderLoading?: () => ReactNode;
  /** Replaces the default message when there is nothing to show (e.g. an empty starting cohort). */
  readonly renderEmpty?: () => ReactNode;
  /**
   * Replaces the default `role="alert"` message (a plain sentence, a "Try again" button and the
   * developer's details folded away); `retry` refetches what failed.
   */
  readonly renderError?: (error: Error, retry: () => void) => ReactNode;
}

/** Props every card shares. */
export interface CardBaseProps extends CardStateRenderers {
  /** Heading text; each card has a default. */
  readonly title?: string;
  /** Level of the heading element, to fit the host's outline; default 3. */
  readonly headingLevel?: 2 | 3 | 4 | 5 | 6;
  /** Extra class on the card's root `section`. */
  readonly className?: string;
}

/** Props of the cards whose figures come from a report, cohort table or movement page. */
export interface DefinitionsCardProps {
  /**
   * Shows "How this is calculated" under the content: the definitions that produced the figures
   * (preset, customized options, grain, churn date, windows, policies, time zone, size bands),
   * closed until opened; default true.
   */
  readonly showDefinitions?: boolean;
}

interface CardFrameProps extends CardBaseProps {
  readonly kind: string;
  readonly title: string;
  /** Line under the heading, usually the period. */
  readonly subtitle?: string | undefined;
  readonly state: CardState;
  /** What a loading placeholder and the empty message say. */
  readonly loadingText: string;
  readonly emptyText: string;
  /** Shown under the default empty message, e.g. the warnings that explain why nothing is there. */
  readonly emptyDetails?: ReactNode;
  /** Placeholder shapes shown while loading, laid out like the content so the card keeps its size. */
  readonly skeleton?: ReactNode;
  /** Whether the card ends with "How this is calculated" (its place is kept while loading). */
  readonly showDefinitions?: boolean | undefined;
  /** What it shows, once loaded; with the currency of the card's amounts. */
  readonly definitions?: DefinitionsResult | undefined;
  readonly currency?: string | undefined;
  readonly children?: ReactNode;
}

/**
 * The card shell: a `section` named by its heading, carrying the theme (`data-nrr-theme`,
 * appearance variables) and `data-state`, with the default or overridden state views.
 */
export function CardFrame(props: CardFrameProps): ReactNode {
  const { theme, appearance } = useNrrSettings();
  const headingId = useId();
  const Heading = `h${props.headingLevel ?? 3}` as const;
  const { state } = props;
  const error = state.status === 'error' ? state.error : undefined;
  return (
    <section
      className={`nrr-card nrr-${props.kind}${props.className ? ` ${props.className}` : ''}`}
      data-nrr-theme={theme}
      data-state={state.status}
      aria-labelledby={headingId}
      aria-busy={state.status === 'loading'}
      data-error-code={error ? (error instanceof NrrError ? error.code : error.name) : undefined}
      style={appearanceStyle(appearance)}
    >
      <header className="nrr-header">
        <Heading id={headingId} className="nrr-title">
          {props.title}
        </Heading>
        {props.subtitle ? <p className="nrr-subtitle">{props.subtitle}</p> : null}
      </header>
      {stateView(props)}
    </section>
  );
}

function stateView(props: CardFrameProps): ReactNode {
  const { state } = props;
  switch (state.status) {
    case 'loading':
      return (
        props.renderLoading?.() ?? (
          <div className="nrr-skeleton">
            <p className="nrr-sr-only" role="status">
              {props.loadingText}
            </p>
            <div className="nrr-skeleton-shapes" aria-hidden="true">
              {props.skeleton ?? <span className="nrr-skeleton-block nrr-skeleton-line" />}
              {props.showDefinitions ? (
                <div className="nrr-definitions nrr-skeleton-text">
                  <span className="nrr-definitions-toggle">How this is calculated</span>
                </div>
              ) : null}
            </div>
          </div>
        )
      );
    case 'error':
      return props.renderError?.(state.error, state.retry) ?? <ErrorView {...props} state={state} />;
    case 'empty':
      return (
        props.renderEmpty?.() ?? (
          <>
            <p className="nrr-placeholder">{props.emptyText}</p>
            {props.emptyDetails}
            {definitionsView(props)}
          </>
        )
      );
    case 'ready':
      return (
        <>
          {props.children}
          {definitionsView(props)}
        </>
      );
    default:
      return state satisfies never;
  }
}

function definitionsView(props: CardFrameProps): ReactNode {
  return props.showDefinitions && props.definitions ? (
    <DefinitionsDisclosure definitions={props.definitions} currency={props.currency} />
  ) : null;
}

/**
 * One plain sentence and a retry; the code and message for developers folded under "Details".
 * When the provider already says that nothing can load, the card only says it is not loaded.
 */
function ErrorView(props: CardFrameProps & { readonly state: Extract<CardState, { status: 'error' }> }) {
  const outage = useOutage();
  const { error, retry } = props.state;
  if (outage?.shown && isOutage(error)) {
    return <p className="nrr-placeholder">Not loaded (see the message above).</p>;
  }
  return (
    <div className="nrr-error" role="alert">
      <p>
        {props.title} could not be loaded. {plainReason(error)}
      </p>
      <ErrorActions error={error} retry={retry} />
    </div>
  );
}
