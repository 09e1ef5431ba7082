import type { Feature } from "@/lib/billing/plans";
import { LockIcon } from "./LockIcon";

/**
 * A blurred illustration of what a locked feature looks like: fixed sample shapes, never the
 * merchant's data (the locked view must not leak what the plan does not pay for).
 */
export function LockedPreview({ feature, label }: { feature: Feature; label: string }) {
  // Deterministic sample bars per feature, so the preview differs between features but not between visits.
  const seed = [...feature].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 9973, 7);
  const bars = Array.from({ length: 18 }, (_, i) => 20 + ((seed * (i + 3) * 37) % 70));
  return (
    <div style={{ position: "relative", borderRadius: 12, overflow: "hidden", border: "1px solid var(--border, #e5e7eb)" }} data-testid="locked-preview">
      <svg viewBox="0 0 360 120" width="100%" height="180" aria-hidden="true" style={{ filter: "blur(4px)", opacity: 0.7, display: "block" }}>
        {bars.map((h, i) => (
          <rect key={i} x={8 + i * 19.5} y={115 - h} width={14} height={h} rx={2} fill={i % 4 === 0 ? "#f59e0b" : "#3b82f6"} />
        ))}
        <polyline fill="none" stroke="#10b981" strokeWidth={3} points={bars.map((h, i) => `${15 + i * 19.5},${120 - h * 0.9}`).join(" ")} />
      </svg>
      <div style={{ position: "absolute", inset: 0, display: "grid", placeItems: "center" }}>
        <span className="pill">
          <LockIcon />
          {label}
        </span>
      </div>
    </div>
  );
}
