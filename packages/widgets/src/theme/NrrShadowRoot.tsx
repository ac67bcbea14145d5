import { type ReactNode, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

/** Props of {@link NrrShadowRoot}. */
export interface NrrShadowRootProps {
  /**
   * URL of the widgets stylesheet (`@nrr/widgets/styles.css` as your bundler serves it), linked
   * inside the shadow root. When neither this nor `css` is given, the `@layer nrr` rules already
   * loaded in the document are copied in (same-origin stylesheets only).
   */
  readonly stylesheetHref?: string;
  /** The stylesheet's text, inlined in a `<style>` inside the shadow root. */
  readonly css?: string;
  /** Class of the host element (the only element the host page's CSS can reach). */
  readonly className?: string;
  /** Rendered inside the shadow root. */
  readonly children?: ReactNode;
}

/**
 * Mounts its children in an open shadow root, so that the host page's CSS (resets, `* {}` rules,
 * `!important` element styles) cannot reach the cards. Client-only: on the server and in the first
 * client render it outputs only the empty host element; the children appear after mount.
 */
export function NrrShadowRoot(props: NrrShadowRootProps): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const [root, setRoot] = useState<ShadowRoot>();
  const inline = props.stylesheetHref !== undefined || props.css !== undefined;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    if (!inline) adoptDocumentLayer(shadow, 'nrr');
    setRoot(shadow);
  }, [inline]);

  return (
    <div ref={host} className={props.className} data-nrr-shadow-host="">
      {root
        ? createPortal(
            <>
              {props.stylesheetHref ? <link rel="stylesheet" href={props.stylesheetHref} /> : null}
              {props.css ? <style>{props.css}</style> : null}
              {props.children}
            </>,
            root,
          )
        : null}
    </div>
  );
}

/** Copies the document's `@layer <name> { … }` blocks into `shadow` as an adopted stylesheet. */
function adoptDocumentLayer(shadow: ShadowRoot, name: string): void {
  if (typeof CSSStyleSheet === 'undefined' || !('replaceSync' in CSSStyleSheet.prototype)) return;
  let text = '';
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // cross-origin sheet: unreadable by design
    }
    for (const rule of Array.from(rules)) {
      if (
        typeof CSSLayerBlockRule !== 'undefined' &&
        rule instanceof CSSLayerBlockRule &&
        rule.name === name
      ) {
        text += `${rule.cssText}\n`;
      }
    }
  }
  if (text === '') return;
  const adopted = new CSSStyleSheet();
  adopted.replaceSync(text);
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, adopted];
}
