import { getDatabase } from "@/db/client";
import { getCustomerValueResults } from "@/lib/analytics/getModelResults";
import { RFM_TIME_UNITS, type RfmTimeUnit } from "@/lib/analytics/getRfmSummary";
import { isoDaySchema } from "@/lib/days";
import { fitCustomerValue, readRfm } from "@/lib/jobs/clv";
import { CliError, requireMerchantFeature } from "../cli-errors";
import { findMerchant, fmt, formatMoney, JSON_OPTION, MERCHANT_OPTION, parseOptions, printLatest, requireMerchantSlug, table, type Command } from "./shared";

/** `ltv`: the latest stored CLV run, or a BG/NBD + Gamma-Gamma fit up to a calibration end. */
export const ltvCommand: Command = {
  usage: "ltv --merchant SLUG [--calibration-end YYYY-MM-DD --time-unit week|day] [--json]",
  summary: "customer value: the latest stored CLV run, or a BG/NBD + Gamma-Gamma fit up to a calibration end (inclusive)",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, "calibration-end": { type: "string" }, "time-unit": { type: "string" }, ...JSON_OPTION });
    const slug = requireMerchantSlug(v.merchant);
    const calibrationEnd = v["calibration-end"];
    if (calibrationEnd === undefined && v["time-unit"] !== undefined) throw new CliError("--time-unit goes with --calibration-end");
    const database = await getDatabase();
    const merchant = await findMerchant(database, slug);
    await requireMerchantFeature(database, merchant, "value");
    if (calibrationEnd === undefined) {
      await printLatest(
        merchant,
        "clv",
        getCustomerValueResults,
        (run) => {
          const { mbgnbd, gammaGamma } = run.metrics;
          const c = merchant.currency;
          return [
            `${merchant.name} (${merchant.slug}): CLV run ${run.id} (v${run.version}), calibration ${run.periodFrom}..${run.params.calibrationEnd}, ${run.params.timeUnit}s`,
            table([
              ["figure", "value"],
              ["customers", String(run.summary.customers)],
              ["repeat customers", String(run.summary.repeatCustomers)],
              ["expected active customers", fmt(run.summary.expectedActiveCustomers, 1)],
              [`expected returning customers, ${run.params.buyAgainMonths} months`, fmt(run.summary.expectedReturningCustomers12m, 1)],
              ["expected purchases, next 90 days", fmt(run.summary.expectedPurchases90d, 1)],
              ["expected buying customers, next 30 / 90 days", `${fmt(run.summary.expectedBuyers30d, 1)} / ${fmt(run.summary.expectedBuyers90d, 1)}`],
              [`customers with a next-purchase date (≥ ${fmt(run.params.nextPurchase.threshold * 100, 0)} % within ${fmt(run.params.nextPurchase.horizonDays, 2)} days)`, String(run.summary.nextPurchaseExpected)],
              [`total CLV, ${run.params.horizonMonths} months`, formatMoney(run.summary.totalClvMinor, c)],
              ["mean CLV", formatMoney(run.summary.meanClvMinor, c)],
              ["median CLV", formatMoney(run.summary.medianClvMinor, c)],
              ["MBG/NBD r, alpha, a, b", [mbgnbd.r, mbgnbd.alpha, mbgnbd.a, mbgnbd.b].map((x) => fmt(x, 4)).join(", ")],
              ["MBG/NBD log-likelihood", fmt(mbgnbd.logLikelihood, 3)],
              ["Gamma-Gamma p, q, gamma", [gammaGamma.p, gammaGamma.q, gammaGamma.gamma].map((x) => fmt(x, 4)).join(", ")],
              ["Gamma-Gamma log-likelihood", fmt(gammaGamma.logLikelihood, 3)],
            ]),
          ];
        },
        v.json,
        io,
      );
      return;
    }
    if (!isoDaySchema.safeParse(calibrationEnd).success) throw new CliError(`--calibration-end must be a calendar day YYYY-MM-DD, got "${calibrationEnd}"`);
    const timeUnit = (v["time-unit"] ?? "week") as RfmTimeUnit;
    if (!(RFM_TIME_UNITS as readonly string[]).includes(timeUnit)) throw new CliError(`--time-unit must be week or day, got "${timeUnit}"`);
    const rfm = await readRfm(database, merchant, calibrationEnd, timeUnit);
    if (rfm.length === 0) throw new CliError(`${merchant.slug} has no purchases on or before ${calibrationEnd}`);
    // A ModelInputError (an AppError, 422) exits 2 through the CLI's one error mapping.
    const fit = fitCustomerValue(rfm);
    const { r, alpha, a, b } = fit.mbgnbd.params;
    const { p, q, gamma } = fit.gammaGamma.params;
    const result = {
      merchant: merchant.slug,
      calibrationEnd,
      timeUnit,
      customers: fit.customers,
      mbgnbd: { r, alpha, a, b, logLikelihood: fit.mbgnbd.logLikelihood },
      gammaGamma: { p, q, gamma, logLikelihood: fit.gammaGamma.logLikelihood },
    };
    if (v.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(`${merchant.name} (${merchant.slug}): ${fit.customers} customers (${fit.repeatCustomers} repeat), calibration to ${calibrationEnd} inclusive, per ${timeUnit}`);
    io.out(
      table([
        ["model", "parameters", "log-likelihood"],
        ["MBG/NBD", `r ${fmt(r, 4)}, alpha ${fmt(alpha, 4)}, a ${fmt(a, 4)}, b ${fmt(b, 4)}`, fmt(fit.mbgnbd.logLikelihood, 3)],
        ["Gamma-Gamma", `p ${fmt(p, 4)}, q ${fmt(q, 4)}, gamma ${fmt(gamma, 4)}`, fmt(fit.gammaGamma.logLikelihood, 3)],
      ]),
    );
  },
};
