import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import { splitMarketEffect } from "../market";
import type { Finding } from "../types";
import { money, pct } from "./shared";

/*
 * marketEffect: how much of a significant revenue change of the current window the market
 * explains, from the peer revenue index lib/privacy released (../market.ts). Speaks only when
 * the metric detector found that change.
 */

function marketFindings(input: FindingsInput, revenueChanged: boolean): Finding[] {
  if (!input.peerIndex || !revenueChanged) return [];
  const split = splitMarketEffect(
    input.daily.map((d) => ({ day: d.day, revenueMinor: d.netMinor })),
    input.peerIndex,
    { current: input.windows.current, baseline: input.windows.previous },
  );
  if (!split.available) return [];
  const variant = Math.abs(split.marketMinor) > Math.abs(split.ownMinor) ? "market" : "own";
  return [
    {
      id: "marketEffect:previous",
      kind: "marketEffect",
      tier: "alert",
      impactMinor: Math.abs(split.totalMinor),
      direction: marketEffectDirection(variant === "market" ? split.totalMinor : split.ownMinor),
      confidence: "medium",
      p: null,
      variant,
      values: {
        totalChange: money(split.totalMinor),
        market: money(split.marketMinor),
        own: money(split.ownMinor),
        marketGrowth: pct(split.marketGrowth - 1),
        merchantGrowth: pct(split.merchantGrowth - 1),
      },
      chart: "",
      period: input.windows.current,
    },
  ];
}

/**
 * The colour of a market-effect finding follows what its headline is about: the revenue change
 * itself when the market explains most of it ("Most of the revenue change is the market's"),
 * the merchant's own part otherwise. (Colouring by the own part alone painted a fall that the
 * market caused green whenever the merchant's own part was slightly positive: issue 19 item 9.)
 *
 * @param minor the headline's amount in minor units (signed)
 */
function marketEffectDirection(minor: number): "up" | "down" | "none" {
  return minor > 0 ? "up" : minor < 0 ? "down" : "none";
}

export const marketEffectDetector: Detector = {
  kind: "marketEffect",
  detect(input, earlier) {
    const revenueChanged = earlier.some((f) => f.id === "metricChange:netRevenue:previous");
    return { findings: marketFindings(input, revenueChanged) };
  },
};
