import type { ReactNode } from 'react';

/** Text for screen readers only (the `nrr-sr-only` class clips it without hiding it from them). */
export function VisuallyHidden({ children }: { readonly children: ReactNode }): ReactNode {
  return <span className="nrr-sr-only">{children}</span>;
}
