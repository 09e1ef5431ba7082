import { getDatabase } from "@/db/client";
import { getSegmentTreeResults } from "@/lib/analytics/getModelResults";
import { requireMerchantFeature } from "../cli-errors";
import { findMerchant, formatMoney, JSON_OPTION, MERCHANT_OPTION, parseOptions, printLatest, requireMerchantSlug, table, type Command } from "./shared";

/** `segments`: the latest stored decision-tree segment table. */
export const segmentsCommand: Command = {
  usage: "segments --merchant SLUG [--json]",
  summary: "the latest stored decision-tree segment table",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, ...JSON_OPTION });
    const slug = requireMerchantSlug(v.merchant);
    const database = await getDatabase();
    const merchant = await findMerchant(database, slug);
    await requireMerchantFeature(database, merchant, "segments");
    const c = merchant.currency;
    await printLatest(
      merchant,
      "segments",
      getSegmentTreeResults,
      (run) => [
        `${merchant.name} (${merchant.slug}): segment tree run ${run.id} (v${run.version}), ${run.summary.period.from} to ${run.summary.period.to} (exclusive), ${run.summary.customers} customers`,
        table([
          ["segment", "customers", "revenue", "share", "average check"],
          ...run.summary.table.map((r) => [r.profile.en || "(all customers)", String(r.customers), formatMoney(r.revenueMinor, c), `${(r.shareOfRevenue * 100).toFixed(1)} %`, formatMoney(r.averageCheckMinor, c)]),
        ]),
      ],
      v.json,
      io,
    );
  },
};
