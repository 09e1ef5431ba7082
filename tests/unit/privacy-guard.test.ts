import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  checkAggregate,
  checkCell,
  checkGroup,
  largestShare,
  MAX_PEER_SHARE,
  MIN_PEERS,
  quantileWindow,
  releaseQuantiles,
} from "@/lib/privacy/guard";
import { grainOf, grainPeriods, referenceWindow, retentionWindows, fullWeekStarts, previousGrainPeriod } from "@/lib/privacy/periods";
import { mccGroup } from "@/lib/privacy/peerGroups";

describe("guard rules", () => {
  it("withholds a group of 4 peers (5 members with the merchant)", () => {
    expect(checkGroup([10, 10, 10, 10, 10]).withheld).toEqual({ rule: "min_peers", peers: 4 });
    expect(checkGroup([10, 10, 10, 10, 10, 10]).withheld).toBeNull();
    expect(checkAggregate([1, 1, 1, 1])).toEqual({ rule: "min_peers", peers: 4 });
    // A zero contribution is not a contributor.
    expect(checkAggregate([1, 1, 1, 1, 0])?.rule).toBe("min_peers");
  });

  it("withholds a dominant merchant (> 25 %) in any member's frame", () => {
    // 30 of 100 in every frame but its own: 30 / (100 − 10) = 33 %.
    const g = checkGroup([30, 10, 10, 10, 10, 10, 10, 10]);
    expect(g.withheld?.rule).toBe("dominance");
    expect(g.largestShare).toBeCloseTo(30 / 90, 12);
    // Two members of 20 in 100: 20 / (100 − 20) = exactly 25 %, allowed.
    expect(checkGroup([20, 20, 12, 12, 12, 12, 12]).withheld).toBeNull();
    expect(checkGroup([20, 20, 12, 12, 12, 12, 12]).largestShare).toBeCloseTo(0.25, 12);
    expect(checkAggregate([26, 15, 15, 15, 15, 14])).toEqual({ rule: "dominance", peers: 6 });
    expect(largestShare([-5, 1, 1])).toBe(0.5);
  });

  it("withholds a 4-customer cell", () => {
    expect(checkCell(4)).toEqual({ rule: "min_customers", peers: 0 });
    expect(checkCell(5)).toBeNull();
  });

  it("releases quantiles as means of three order statistics over the whole group, with bounded keyed noise and a quarter band", () => {
    const key = { group: "g", period: "2025-01-01/2025-02-01", field: "benchmark.customers" };
    const r = releaseQuantiles([6, 5, 1, 4, 2, 3, null], 3.5, key);
    // Raw p25 = (1+2+3)/3 = 2, median = (3+4+5)/3 = 4, p75 = (4+5+6)/3 = 5; each released within ±15 % at 3 digits.
    expect(r.released).toBe(true);
    if (!r.released) return;
    expect(r.value.peers).toBe(6);
    for (const [got, raw] of [[r.value.p25, 2], [r.value.median, 4], [r.value.p75, 5]]) {
      expect(Math.abs(got / raw - 1)).toBeLessThanOrEqual(0.15 + 0.005);
      expect(Number(got.toPrecision(3))).toBe(got);
    }
    expect(r.value.band).toBe(3.5 < r.value.p25 ? "below_p25" : 3.5 > r.value.p75 ? "above_p75" : 3.5 <= r.value.median ? "p25_median" : "median_p75");
    // The same key gives the same release (no averaging over repeated requests); the asker's own value changes only its band.
    const again = releaseQuantiles([1, 2, 3, 4, 5, 6], 100, key);
    expect(again.released && again.value.p25).toBe(r.value.p25);
    expect(again.released && again.value.band).toBe("above_p75");
    expect(releaseQuantiles([1, 2, 3, 4, 5], 1, key)).toEqual({ released: false, withheld: { rule: "min_peers", peers: 5 } });
    expect(quantileWindow(8, 0.25)).toEqual([1, 2, 3]);
    expect(quantileWindow(8, 0.5)).toEqual([3, 4, 5]);
    expect(quantileWindow(8, 0.75)).toEqual([4, 5, 6]);
  });
});

describe("grain-aligned periods", () => {
  it("accepts whole months, quarters and years only", () => {
    expect(grainOf({ from: "2026-09-01", to: "2026-10-01" })).toBe("month");
    expect(grainOf({ from: "2026-07-01", to: "2026-10-01" })).toBe("quarter");
    expect(grainOf({ from: "2026-08-01", to: "2026-11-01" })).toBeNull();
    expect(grainOf({ from: "2025-01-01", to: "2026-01-01" })).toBe("year");
    expect(grainOf({ from: "2026-09-02", to: "2026-10-02" })).toBeNull();
    expect(previousGrainPeriod({ from: "2026-01-01", to: "2026-04-01" }, "quarter")).toEqual({ from: "2025-10-01", to: "2026-01-01" });
    expect(referenceWindow({ from: "2026-09-01", to: "2026-10-01" })).toEqual({ from: "2025-10-01", to: "2026-10-01" });
    expect(retentionWindows({ from: "2026-09-01", to: "2026-10-01" })).toEqual({
      base: { from: "2026-04-01", to: "2026-07-01" },
      back: { from: "2026-07-01", to: "2026-10-01" },
    });
    // 2026-09-01 is a Tuesday: the first full week starts on Monday 2026-09-07.
    expect(fullWeekStarts({ from: "2026-09-01", to: "2026-10-01" })).toEqual(["2026-09-07", "2026-09-14", "2026-09-21"]);
    expect(mccGroup("5812")).toBe("58");
    expect(grainPeriods("month", "2026-11-01", 2)).toEqual([
      { from: "2026-10-01", to: "2026-11-01" },
      { from: "2026-09-01", to: "2026-10-01" },
    ]);
    expect(grainPeriods("quarter", "2026-11-01", 1)).toEqual([{ from: "2026-07-01", to: "2026-10-01" }]);
    expect(grainPeriods("year", "2026-11-01", 1)).toEqual([{ from: "2025-01-01", to: "2026-01-01" }]);
    expect(grainPeriods("month", "2026-10-15", 1)).toEqual([{ from: "2026-09-01", to: "2026-10-01" }]);
  });
});

// --- property tests ----------------------------------------------------------------------------

/** Rank of a matrix (rows) by Gaussian elimination with partial pivoting. */
function rank(rows: number[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    let p = r;
    for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
    if (Math.abs(m[p][c]) < 1e-9) continue;
    [m[r], m[p]] = [m[p], m[r]];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i][c] / m[r][c];
      for (let k = c; k < cols; k++) m[i][k] -= f * m[r][k];
    }
    r++;
  }
  return r;
}

/** The released quantiles as linear combinations of the sorted peer values (one row each). */
function quantileRows(n: number): number[][] {
  return [0.25, 0.5, 0.75].map((q) => {
    const row = new Array<number>(n).fill(0);
    for (const i of quantileWindow(n, q)) row[i] = 1 / 3;
    return row;
  });
}

describe("no released figure uses fewer than 5 merchants or reveals one competitor (fast-check)", () => {
  const bank = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 14 });

  it("quantiles: released only with ≥ 5 peers, and no peer value lies in the span of the released ones", () => {
    fc.assert(
      fc.property(bank, fc.integer({ min: 0, max: 1_000_000 }), (peers, own) => {
        const r = releaseQuantiles(peers, own, { group: "g", period: "p", field: "f" });
        if (!r.released) return peers.length < MIN_PEERS + 1;
        if (peers.length < MIN_PEERS + 1 || r.value.peers !== peers.length) return false;
        // Even an attacker who knows the order of the peers (which sorted position each holds)
        // learns only the three released rows: a single value v_i is recoverable iff the unit
        // vector e_i is in their row space, i.e. adding it does not raise the rank.
        const rows = quantileRows(peers.length);
        const base = rank(rows);
        for (let i = 0; i < peers.length; i++) {
          const e = new Array<number>(peers.length).fill(0);
          e[i] = 1;
          if (rank([...rows, e]) === base) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it("aggregates: released only with ≥ 5 contributing peers none above 25 %, so own total minus the others is never one competitor", () => {
    fc.assert(
      fc.property(bank, (contributions) => {
        const w = checkAggregate(contributions);
        const positive = contributions.filter((c) => c > 0);
        if (w) return positive.length < MIN_PEERS || largestShare(contributions) > MAX_PEER_SHARE;
        const total = positive.reduce((s, c) => s + c, 0);
        return positive.length >= MIN_PEERS && positive.every((c) => c / total <= MAX_PEER_SHARE);
      }),
      { numRuns: 500 },
    );
  });

  it("groups: pass or fail is the same for every member, and in every member's frame the rules hold", () => {
    fc.assert(
      fc.property(bank, (members) => {
        const g = checkGroup(members);
        // Brute force over every member's frame (its peers are the other members): the group
        // passes exactly when every frame has ≥ 5 peers and no peer above 25 % of the frame's total.
        const framePasses = members.every((_, m) => {
          const others = members.filter((__, i) => i !== m).map((v) => Math.max(0, v));
          const total = others.reduce((s, v) => s + v, 0);
          return others.length >= MIN_PEERS && (total === 0 || others.every((v) => v / total <= MAX_PEER_SHARE + 1e-12));
        });
        return (g.withheld === null) === framePasses && g.peers === members.length - 1;
      }),
      { numRuns: 500 },
    );
  });
});
