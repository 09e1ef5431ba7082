import { getDatabase } from "@/db/client";
import { getHeadlineMetrics } from "@/lib/analytics/getOverview";
import { periodSchema } from "@/lib/days";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { requireMerchantFeature } from "../cli-errors";
import { findMerchant, formatMoney, merchantPeriodArgs, table, type Command } from "./shared";

/** `metrics`: a merchant's headline figures over [from, to), inside its scope as the Overview page reads them. */
export const metricsCommand: Command = {
  usage: "metrics --merchant SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--json]",
  summary: "headline metrics of one merchant over [from, to) (to exclusive)",
  async run(args, io) {
    const v = merchantPeriodArgs(args, periodSchema);
    const database = await getDatabase();
    const merchant = await findMerchant(database, v.merchant);
    await requireMerchantFeature(database, merchant, "overview");
    const h = await withMerchantScope(database, merchant.id, (tx) => getHeadlineMetrics({ tx, merchant }, v.period));
    const result = {
      merchant: merchant.slug,
      currency: merchant.currency,
      from: v.period.from,
      to: v.period.to,
      grossSalesMinor: h.grossSalesMinor,
      refundsMinor: h.refundsMinor,
      netRevenueMinor: h.netRevenueMinor,
      purchases: h.purchases,
      refunds: h.refunds,
      customers: h.customers,
      averageCheckMinor: h.averageCheckMinor,
      frequency: h.frequency,
    };
    if (v.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    const c = merchant.currency;
    io.out(`${merchant.name} (${merchant.slug}), ${v.period.from} to ${v.period.to} (exclusive), ${c}`);
    io.out(
      table([
        ["metric", "value"],
        ["gross sales", formatMoney(h.grossSalesMinor, c)],
        ["refunds", formatMoney(h.refundsMinor, c)],
        ["net revenue", formatMoney(h.netRevenueMinor, c)],
        ["purchases", String(h.purchases)],
        ["refunds (count)", String(h.refunds)],
        ["customers", String(h.customers)],
        ["new customers", String(h.newCustomers)],
        ["returning customers", String(h.returningCustomers)],
        ["average check", formatMoney(h.averageCheckMinor, c)],
        ["purchase frequency", h.frequency === null ? "–" : h.frequency.toFixed(2)],
      ]),
    );
  },
};
