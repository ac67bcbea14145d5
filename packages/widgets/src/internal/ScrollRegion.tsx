import { type ReactNode, useEffect, useRef, useState } from 'react';

/** Which sides of a scroll region hide more content (space-separated, for `~=` selectors). */
type Overflow = 'none' | 'start' | 'end' | 'start end';

function overflowOf(element: HTMLElement): Overflow {
  const max = element.scrollWidth - element.clientWidth;
  if (max <= 1) return 'none';
  // scrollLeft is negative in right-to-left layouts; its magnitude is the distance from the start.
  const offset = Math.abs(element.scrollLeft);
  if (offset <= 1) return 'end';
  return offset >= max - 1 ? 'start' : 'start end';
}

/**
 * A horizontally scrollable, keyboard-reachable region around a wide table. When the table is
 * wider than the card, a shadow marks each side that hides columns (`data-overflow` on the frame:
 * `none`, `start`, `end` or `start end`) and the region's name says it scrolls.
 */
export function ScrollRegion({
  label,
  children,
}: {
  /** Accessible name of the region, e.g. the table's caption. */
  readonly label: string;
  readonly children: ReactNode;
}): ReactNode {
  const region = useRef<HTMLElement>(null);
  const [overflow, setOverflow] = useState<Overflow>('none');
  useEffect(() => {
    const element = region.current;
    if (!element) return;
    const update = () => setOverflow(overflowOf(element));
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(update);
    observer?.observe(element);
    if (element.firstElementChild) observer?.observe(element.firstElementChild);
    return () => {
      element.removeEventListener('scroll', update);
      observer?.disconnect();
    };
  }, []);
  return (
    <div className="nrr-scroll-frame" data-overflow={overflow}>
      <section
        ref={region}
        className="nrr-scroll"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
        tabIndex={0}
        aria-label={overflow === 'none' ? label : `${label}, scroll sideways for more columns`}
      >
        {children}
      </section>
      <span className="nrr-scroll-shadow" data-side="start" aria-hidden="true" />
      <span className="nrr-scroll-shadow" data-side="end" aria-hidden="true" />
    </div>
  );
}
