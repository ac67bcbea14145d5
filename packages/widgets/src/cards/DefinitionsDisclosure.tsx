import { forwardRef, type HTMLAttributes, useId, useState } from 'react';
import { definitionLines, presetSentence } from '../internal/definitionsText.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { DefinitionsResult } from '../types.ts';

/** Props of {@link DefinitionsDisclosure}; other props go to its root `div`. */
export interface DefinitionsDisclosureProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The definitions that produced the figures (a report's, cohort table's or movement page's). */
  readonly definitions: DefinitionsResult;
  /** ISO 4217 code of the amounts on the card, for the size bands; without it they are bare numbers. */
  readonly currency?: string | undefined;
  /** Open when first shown; default false. */
  readonly defaultOpen?: boolean;
}

/**
 * "How this is calculated": a button (`aria-expanded`, `aria-controls`) that shows or hides the
 * definitions behind a figure in plain words: the preset and what was customized, then one line per
 * option. The root's `data-state` is `open` or `closed`.
 */
export const DefinitionsDisclosure = forwardRef<HTMLDivElement, DefinitionsDisclosureProps>(
  function DefinitionsDisclosure({ definitions, currency, defaultOpen = false, className, ...rest }, ref) {
    const { locale } = useNrrSettings();
    const [open, setOpen] = useState(defaultOpen);
    const panelId = useId();
    const lines = definitionLines(definitions, locale, currency);
    return (
      <div
        {...rest}
        ref={ref}
        className={`nrr-definitions${className ? ` ${className}` : ''}`}
        data-state={open ? 'open' : 'closed'}
      >
        <button
          type="button"
          className="nrr-definitions-toggle"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
        >
          <span className="nrr-chevron" aria-hidden="true" />
          How this is calculated
        </button>
        <div id={panelId} className="nrr-definitions-panel" hidden={!open}>
          <p>{presetSentence(definitions, lines)}</p>
          <dl>
            {lines.map((line) => (
              <div key={line.term} data-customized={line.customized || undefined}>
                <dt>{line.term}</dt>
                <dd>{line.text}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    );
  },
);
