/*
 * The Competitors report's public surface (docs/competitors.md): the guarded entry points and the
 * released shapes, nothing else. What the page, the API route, the CLI, the jobs and the
 * benchmarks use from outside lib/privacy comes from here.
 *
 * Layout (docs/adr/0009-split-god-files.md):
 *   types.ts                      released shapes (CompetitorReport, Benchmark, …), BENCHMARK_KEYS
 *   windows.ts                    the windows one request reads (period → previous, year ago, …)
 *   members.internal.ts           per-member rollup reads: totals, daily net, monthly customers
 *   benchmarks.ts                 benchmark values and their released quantiles
 *   revenueIndex.ts               revenue index and weekly correlation, with their guard
 *   categoryFigures.internal.ts   the customers' category rows and the one pass over them
 *   categoryFigures.ts            cross-shopping and share of wallet through the guard
 *   switching.ts                  the switch rule, its raw counts' shape and their guard
 *   switching.internal.ts         switching counts read on their own (the synthetic-bank test)
 *   sources.internal.ts           where the report reads its inputs (live, or ../precompute.ts)
 *   report.ts                     assembles the report; the guarded entry points
 *   groupWithheld.ts, sql.internal.ts   small shared helpers
 *
 * `*.internal.ts` files hand out other merchants' figures before the guard: only lib/privacy
 * imports them (tests may, to check them).
 */

export { getCompetitorReport, getCompetitorReportIn, getPeerRevenueIndex } from "./report";
export type { Benchmark, CompetitorReport, PeerRevenueIndex } from "./types";
