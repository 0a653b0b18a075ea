import type { ReactNode } from 'react';

/** A link into the PSA: opens outside Focusline (main's window-open handler sends http(s) to the browser). */
export function ExternalLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" data-testid={testId}>
      {children}
    </a>
  );
}
