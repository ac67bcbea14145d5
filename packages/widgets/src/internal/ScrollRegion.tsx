import type { ReactNode } from 'react';

/** A horizontally scrollable, keyboard-reachable region around a wide table. */
export function ScrollRegion({
  label,
  children,
}: {
  readonly label: string;
  readonly children: ReactNode;
}): ReactNode {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
    <section className="nrr-scroll" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
