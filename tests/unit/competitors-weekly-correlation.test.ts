import { describe, expect, it } from "vitest";
import { pearson, weeklyCorrelation } from "@/lib/privacy/competitors/revenueIndex";

describe("weeklyCorrelation (the Competitors' weekly revenue correlation)", () => {
  it("sums every member's days into the window's full ISO weeks, each member's rows on the same days, and drops the days outside them", () => {
    // 2024-01-01 is a Monday: the window [2023-12-30, 2024-03-04) holds 9 full weeks, 2024-01-01 … 2024-03-03.
    const window = { from: "2023-12-30", to: "2024-03-04" };
    const rows: { merchant_id: number; day: string; net: number }[] = [];
    const own = Array.from({ length: 9 }, () => 0);
    const peers = Array.from({ length: 9 }, () => 0);
    for (let d = -2; d < 65; d++) {
      const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      for (const id of [1, 2, 3]) {
        const net = ((d + 3) * (id + 1) * 7919) % 1000;
        rows.push({ merchant_id: id, day, net });
        const week = Math.floor(d / 7);
        if (d < 0 || week >= 9) continue; // 2023-12-30/31 and 2024-03-04 on: outside the full weeks
        if (id === 2) own[week] += net;
        else peers[week] += net;
      }
    }
    const r = weeklyCorrelation(2, rows, window);
    expect(r).toEqual({ released: true, value: { r: Math.round(pearson(own, peers)! * 100) / 100, weeks: 9 } });
    expect(r.released && r.value.r).not.toBe(0);
  });
});
