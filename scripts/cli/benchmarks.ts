import { getDatabase } from "@/db/client";
import { makeChartFormat } from "@/lib/charts/format";
import { formatBenchmark } from "@/lib/charts/competitors";
import { getCompetitorReportIn } from "@/lib/privacy/competitors";
import { competitorQuerySchema } from "@/lib/privacy/periods";
import { requireMerchantFeature } from "../cli-errors";
import { findMerchant, merchantPeriodArgs, table, type Command } from "./shared";

/** `benchmarks`: the Competitors report of one whole month, quarter or year, as lib/privacy's guard released it. */
export const benchmarksCommand: Command = {
  usage: "benchmarks --merchant SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--json]",
  summary: "peer benchmarks, index, cross-shopping, share of wallet, switching (one whole month, quarter or year)",
  async run(args, io) {
    const v = merchantPeriodArgs(args, competitorQuerySchema);
    const database = await getDatabase();
    const merchant = await findMerchant(database, v.merchant);
    await requireMerchantFeature(database, merchant, "competitors");
    // lib/privacy reads the peers on the owner connection and releases only what its guard allows.
    const report = await getCompetitorReportIn(database, merchant, v.period);
    if (v.json) {
      io.out(JSON.stringify(report, null, 2));
      return;
    }
    const fmt = makeChartFormat("en", merchant.currency);
    const g = report.peerGroup;
    io.out(`${merchant.name} (${merchant.slug}), ${report.grain} ${report.period.from} to ${report.period.to} (exclusive)`);
    io.out(
      g.level
        ? `peer group: ${g.level} (MCC ${g.mcc}, ${g.region ?? "-"}), ${g.peers} peers`
        : `peer group withheld: ${g.withheld?.rule} (${g.peers} peers)`,
    );
    const cell = (key: (typeof report.benchmarks)[number]["key"], x: number | null) => formatBenchmark(key, x, fmt);
    io.out(
      table([
        ["benchmark", "merchant", "p25", "median", "p75", "quarter"],
        ...report.benchmarks.map((b) =>
          b.peers.released
            ? [b.key, cell(b.key, b.own), cell(b.key, b.peers.value.p25), cell(b.key, b.peers.value.median), cell(b.key, b.peers.value.p75), b.peers.value.band ?? "-"]
            : [b.key, cell(b.key, b.own), `withheld: ${b.peers.withheld.rule}`, "", "", ""],
        ),
      ]),
    );
  },
};
