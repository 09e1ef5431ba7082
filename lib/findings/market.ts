import { logMean, roundToTotal } from "./decompose";
import type { PeerIndexInput } from "./types";

/*
 * Market effect vs the merchant's own effect. A peer revenue index I (lib/privacy, released only
 * when the peer group passes the privacy guard) says how the market moved. The merchant's
 * revenue change R₀ → R₁ is the product of the market's growth g = Ī₁/Ī₀ (mean index over each
 * window) and its own relative performance (R₁/R₀)/g; by LMDI-I (see ./decompose.ts):
 *
 *   market = L(R₁, R₀) · ln g,   own = L(R₁, R₀) · ln((R₁/R₀)/g),   market + own = R₁ − R₀,
 *
 * rounded to whole minor units so the two parts sum to the change exactly.
 */

/** The split of a revenue change, minor units; null parts when it cannot be computed. */
export type MarketSplit =
  | { available: true; totalMinor: number; marketMinor: number; ownMinor: number; marketGrowth: number; merchantGrowth: number }
  | { available: false; reason: string };

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/**
 * Splits the merchant's revenue change between two windows into the market's and its own part.
 *
 * @param merchant daily revenue of the merchant, { day, revenueMinor } (any days; those inside the windows count)
 * @param peer     the peer index, released or withheld
 * @param windows  current and baseline windows, half-open local days
 * @returns the split, or why there is none (index withheld, no index points in a window,
 *          no revenue in a window, non-positive index)
 */
export function splitMarketEffect(
  merchant: ReadonlyArray<{ day: string; revenueMinor: number }>,
  peer: PeerIndexInput | undefined,
  windows: { current: { from: string; to: string }; baseline: { from: string; to: string } },
): MarketSplit {
  if (!peer) return { available: false, reason: "no peer index" };
  if (!peer.released) return { available: false, reason: peer.reason };
  const inW = (d: string, w: { from: string; to: string }) => d >= w.from && d < w.to;
  const i1 = peer.series.filter((p) => inW(p.date, windows.current)).map((p) => p.index);
  const i0 = peer.series.filter((p) => inW(p.date, windows.baseline)).map((p) => p.index);
  if (i1.length === 0 || i0.length === 0) return { available: false, reason: "peer index does not cover both windows" };
  const g = mean(i1) / mean(i0);
  if (!(g > 0) || !Number.isFinite(g)) return { available: false, reason: "peer index is not positive" };
  const r1 = merchant.filter((p) => inW(p.day, windows.current)).reduce((s, p) => s + p.revenueMinor, 0);
  const r0 = merchant.filter((p) => inW(p.day, windows.baseline)).reduce((s, p) => s + p.revenueMinor, 0);
  if (r1 <= 0 || r0 <= 0) return { available: false, reason: "no revenue in a window" };
  const L = logMean(r1, r0);
  const [marketMinor, ownMinor] = roundToTotal([L * Math.log(g), L * Math.log(r1 / r0 / g)], r1 - r0);
  return { available: true, totalMinor: r1 - r0, marketMinor, ownMinor, marketGrowth: g, merchantGrowth: r1 / r0 };
}
