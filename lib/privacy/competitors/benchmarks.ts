import { MIN_CELL_CUSTOMERS, releaseQuantiles } from "../guard";
import type { PeerGroup } from "../peerGroups";
import type { DayPeriod } from "../periods";
import { groupWithheld } from "./groupWithheld";
import type { MemberFigures } from "./members.internal";
import { BENCHMARK_KEYS, type Benchmark, type BenchmarkKey } from "./types";

/*
 * Benchmarks of the period (docs/competitors.md, "Benchmarks"): each member's value of each key
 * from its own totals, and the peers' p25 / median / p75 released by the guard's quantile rule
 * (lib/privacy/guard.ts releaseQuantiles; docs/adr/0006). Pure.
 */

const growth = (now: number, before: number) => (before > 0 ? now / before - 1 : null);

/**
 * The value of one benchmark for one member, and whether it describes enough customers to enter
 * the peers' distribution (rule 3; the merchant's own value is its own total and always shown).
 * Pure; exported for tests.
 */
export function benchmarkValue(key: BenchmarkKey, f: MemberFigures): { value: number | null; customers: number } {
  switch (key) {
    case "revenueGrowthPrevious":
      return { value: growth(f.net, f.netPrev), customers: Math.min(f.customers, f.customersPrev) };
    case "revenueGrowthYearAgo":
      return { value: growth(f.net, f.netYearAgo), customers: Math.min(f.customers, f.customersYearAgo) };
    case "customers":
      return { value: f.customers, customers: f.customers };
    case "averageCheckMinor":
      return { value: f.purchases > 0 ? f.gross / f.purchases : null, customers: f.customers };
    case "frequency":
      return { value: f.customers > 0 ? f.purchases / f.customers : null, customers: f.customers };
    case "newCustomerShare":
      return { value: f.customers > 0 ? f.newCustomers / f.customers : null, customers: f.customers };
    case "retention3m":
      return { value: f.retentionBase > 0 ? f.retained / f.retentionBase : null, customers: f.retentionBase };
  }
}

/**
 * Every benchmark of BENCHMARK_KEYS for merchant `selfId`: its own value, and the group's
 * released quantiles over every member (the merchant included) with at least MIN_CELL_CUSTOMERS
 * customers behind its value, keyed by the group, the period and the benchmark, so every member
 * of the group gets the same numbers (docs/adr/0013); withheld as a whole when the group has no
 * level. `figures` must hold every member of `group`.
 */
export function benchmarks(selfId: number, figures: Map<number, MemberFigures>, group: PeerGroup, period: DayPeriod): Benchmark[] {
  const self = figures.get(selfId)!;
  return BENCHMARK_KEYS.map((key) => {
    const own = benchmarkValue(key, self).value;
    if (group.level === null) return { key, own, peers: groupWithheld(group) };
    const values = group.memberIds
      .map((id) => benchmarkValue(key, figures.get(id)!))
      .map((v) => (v.customers >= MIN_CELL_CUSTOMERS ? v.value : null));
    return { key, own, peers: releaseQuantiles(values, own, { group: group.releaseKey, period: `${period.from}/${period.to}`, field: `benchmark.${key}` }) };
  });
}
