import type { ReactNode } from "react";
import { ChangeBadge } from "./ChangeBadge";

/**
 * One headline figure with its change against the previous period. `goodWhen` says which
 * direction is good news (refunds going up is bad), which decides the colour; the arrow
 * always shows the direction itself.
 */
export function KpiCard({
  id,
  label,
  value,
  change,
  changeLabel,
  previousLabel,
  goodWhen = "up",
  hint,
  children,
}: {
  /** The metric's key, e.g. "grossSalesMinor": data-testid="kpi-<id>". */
  id: string;
  label: string;
  /** The formatted figure. */
  value: string;
  /** Relative change (0.1 = +10 %); null when there is nothing to compare with. */
  change: number | null;
  /** The formatted change ("+10%"). */
  changeLabel: string;
  /** E.g. "vs £1,000.00 previous period". */
  previousLabel?: string;
  goodWhen?: "up" | "down";
  hint?: string;
  children?: ReactNode;
}) {
  return (
    <div className="card kpi" data-testid={`kpi-${id}`} title={hint}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value" data-testid="kpi-value">
        {value}
      </span>
      <div className="kpi-foot">
        <ChangeBadge change={change} label={changeLabel} goodWhen={goodWhen} testId="kpi-change" />
        {previousLabel ? <span>{previousLabel}</span> : null}
      </div>
      {children}
    </div>
  );
}
