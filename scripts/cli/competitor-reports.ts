import { getDatabase } from "@/db/client";
import { listMerchants } from "@/lib/ingest";
import { refreshCompetitorReports, storedReportsLine } from "@/lib/privacy/precompute";
import { CliError } from "../cli-errors";
import { findMerchant, JSON_OPTION, MERCHANT_OPTION, parseOptions, type Command } from "./shared";

/** `competitor-reports`: computes and stores the Competitors page's reports on demand (docs/adr/0007). */
export const competitorReportsCommand: Command = {
  usage: "competitor-reports (--merchant SLUG | --all) [--json]",
  summary: "compute and store the Competitors page's reports (what ingest's jobs do; e.g. after a merchants.csv change)",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, all: { type: "boolean", default: false }, ...JSON_OPTION });
    if (Boolean(v.merchant) === v.all) throw new CliError("give either --merchant SLUG or --all");
    const database = await getDatabase();
    const ids = v.all
      ? (await listMerchants(database)).map((m) => m.id)
      : [(await findMerchant(database, v.merchant!)).id];
    const started = performance.now();
    const outcomes = await refreshCompetitorReports(database, ids, {
      neighbours: false,
      onMerchant: (o) => {
        if (!v.json) io.out(storedReportsLine(o));
      },
    });
    const seconds = Math.round(performance.now() - started) / 1000;
    if (v.json) io.out(JSON.stringify({ merchants: outcomes, seconds }, null, 2));
    else io.out(`${outcomes.length} merchant(s) in ${seconds.toFixed(1)} s`);
    if (outcomes.some((o) => o.status === "failed")) throw new CliError("some reports could not be stored (see above); the page computes those live", 1);
  },
};
