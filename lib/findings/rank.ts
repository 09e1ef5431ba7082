import type { Finding } from "./types";

/**
 * Ranks findings: alerts before notes, then by money impact (largest first), then by id for a
 * stable order; drops duplicates by id (keeping the larger impact), and a change point or an
 * anomalous week already told by a significant revenue change of the current window.
 */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) {
    const had = byId.get(f.id);
    if (!had || f.impactMinor > had.impactMinor) byId.set(f.id, f);
  }
  let list = [...byId.values()];
  const revenueMoved = list.find((f) => f.id === "metricChange:netRevenue:previous");
  if (revenueMoved) list = list.filter((f) => !(f.kind === "changePoint" && f.direction === revenueMoved.direction));
  return list.sort(
    (a, b) => (a.tier === b.tier ? 0 : a.tier === "alert" ? -1 : 1) || b.impactMinor - a.impactMinor || a.id.localeCompare(b.id),
  );
}
