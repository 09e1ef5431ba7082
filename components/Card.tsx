import type { ReactNode } from "react";

/** A titled panel; `actions` sit at the right of the title (toggles, legends). */
export function Card({
  title,
  subtitle,
  actions,
  children,
  className,
  "data-testid": testId,
}: {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  "data-testid"?: string;
}) {
  return (
    <section className={className ? `card ${className}` : "card"} data-testid={testId}>
      {title || actions ? (
        <div className="card-head">
          <div>
            {title ? <h2>{title}</h2> : null}
            {subtitle ? <p>{subtitle}</p> : null}
          </div>
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}
