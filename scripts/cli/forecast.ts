import { getDatabase } from "@/db/client";
import { getForecastResults } from "@/lib/analytics/getForecastFindings";
import { requireMerchantFeature } from "../cli-errors";
import { findMerchant, fmt, formatMoney, JSON_OPTION, MERCHANT_OPTION, parseOptions, printLatest, requireMerchantSlug, table, type Command } from "./shared";

/** `forecast`: the latest stored forecast run (issue 5). */
export const forecastCommand: Command = {
  usage: "forecast --merchant SLUG [--json]",
  summary: "the latest stored forecast run: daily (4 weeks) and weekly (13 weeks) with 80/95 % intervals and backtests",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, ...JSON_OPTION });
    const slug = requireMerchantSlug(v.merchant);
    const database = await getDatabase();
    const merchant = await findMerchant(database, slug);
    await requireMerchantFeature(database, merchant, "forecasts");
    const c = merchant.currency;
    const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)} %`);
    await printLatest(
      merchant,
      "forecast",
      getForecastResults,
      (run) => {
        const lines = [`${merchant.name} (${merchant.slug}): forecast run ${run.id} (v${run.version}) as of ${run.summary.asOf}`];
        for (const [name, series] of [["daily", run.summary.daily], ["weekly", run.summary.weekly]] as const) {
          lines.push("", `${name}: ${series.historyPoints} points from ${series.historyFrom}, ${series.horizon} ahead`);
          lines.push(
            table([
              ["metric", "method", "next", "80 % interval", "MASE", "rel. MAE", "cover 80", "cover 95", "accuracy"],
              ...Object.entries(series.metrics).map(([metric, m]) => {
                const money = metric === "netRevenue" || metric === "averageCheck";
                const f = (x: number) => (money ? formatMoney(x, c) : x.toFixed(2));
                const first = m.forecast[0];
                return [metric, m.method, f(first.point), `${f(first.lower80)} – ${f(first.upper80)}`, fmt(m.backtest.mase), fmt(m.backtest.relativeMae), pct(m.backtest.coverage80), pct(m.backtest.coverage95), m.backtest.accuracy];
              }),
            ]),
          );
          for (const [metric, why] of Object.entries(series.skipped)) lines.push(`${metric}: not forecast (${why})`);
        }
        return lines;
      },
      v.json,
      io,
    );
  },
};
