import type { ReactNode } from "react";

/**
 * The head of every page: its title, one line of context under it, anything else for the left
 * column (`children`), and what sits on the right (`aside`: a period picker).
 */
export function PageTitle({
  title,
  subtitle,
  aside,
  titleTestId,
  children,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  aside?: ReactNode;
  titleTestId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="page-head">
      <div>
        <h1 data-testid={titleTestId}>{title}</h1>
        {subtitle ? <p>{subtitle}</p> : null}
        {children}
      </div>
      {aside}
    </div>
  );
}
