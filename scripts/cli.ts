import { parseArgs } from "node:util";
import { closeDatabase, getDatabase, type Database } from "@/db/client";
import { getHeadlineMetrics } from "@/lib/analytics/getOverview";
import { getChurnResults, getCustomerValueResults, getModelRunAttempts, getSegmentTreeResults } from "@/lib/analytics/getModelResults";
import { RFM_TIME_UNITS, type RfmTimeUnit } from "@/lib/analytics/getRfmSummary";
import { isoDaySchema, periodSchema } from "@/lib/days";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { fitCustomerValue, readRfm } from "@/lib/jobs/clv";
import { ModelInputError } from "@/lib/jobs/errors";
import { MODEL_KINDS, runMerchantModels, runPendingModelJobs, type ModelKind, type ModelRunOutcome } from "@/lib/jobs/runModels";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { findMerchantRef } from "@/lib/jobs/store";
import { formatMoney as formatMoneyIn } from "@/lib/format";
import { listMerchants } from "@/lib/ingest";
import { getFindingsResults, getForecastResults } from "@/lib/analytics/getForecastFindings";
import { renderFinding } from "@/lib/findings/render";
import { findingsTranslator } from "@/lib/findings/translate";
import { queueWeeklyDigests } from "@/lib/jobs/digest";
import { campaignCommand } from "./cli-campaign";
import { CliError, requireMerchantFeature } from "./cli-errors";
import { isPlanId, loadAccount, loadEntitlements, setPlanIn } from "@/lib/billing";
import { getCompetitorReportIn } from "@/lib/privacy/competitors";
import { refreshCompetitorReports, storedReportsLine } from "@/lib/privacy/precompute";
import { competitorQuerySchema } from "@/lib/privacy/periods";
import { formatBenchmark } from "@/lib/charts/competitors";
import { makeChartFormat } from "@/lib/charts/format";

/*
 * The analysts' CLI: `npm run cli -- <command> [options]`. Reads the same library functions the
 * pages use, on DATABASE_URL (PostgreSQL) or the embedded PGlite (PGLITE_DIR, else .data/pglite).
 * Merchant-level figures run inside withMerchantScope, exactly as a page would; only the merchant
 * lookup and the bank-wide merchant list use the owner connection.
 *
 * Exit codes: 0 ok, 2 usage or input error (unknown command, merchant or bad dates), 3 the
 * merchant's plan does not include the command's feature (lib/billing), 1 other.
 * To add a command, add an entry to COMMANDS.
 */

export { CliError } from "./cli-errors";

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface Command {
  usage: string;
  summary: string;
  run: (args: string[], io: Io) => Promise<void>;
}

/** Runs an argument parser, turning its errors (unknown or malformed options) into usage errors. */
function usageErrors<R>(fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/** The merchant by slug on the owner connection (lib/jobs/store.ts), or a usage error. */
async function findMerchant(database: Database, slug: string): Promise<MerchantRef> {
  const m = await findMerchantRef(database, { slug });
  if (!m) throw new CliError(`unknown merchant: ${slug}`);
  return m;
}

/** Minor units → an amount in the currency's own decimals (lib/format, English for the terminal). */
const formatMoney = (minor: number | null, currency: string) => formatMoneyIn(minor, currency, "en");

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/**
 * Parses `--merchant SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--json]` and checks the period with
 * `schema` (periodSchema, or lib/privacy's whole-month/quarter/year one); usage errors otherwise.
 */
function merchantPeriodArgs<P>(
  args: string[],
  schema: { safeParse(x: unknown): { success: true; data: P } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } },
): { merchant: string; period: P; json: boolean } {
  const { values: v } = usageErrors(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        merchant: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        json: { type: "boolean", default: false },
      },
    }),
  );
  if (!v.merchant) throw new CliError("--merchant SLUG is required");
  const period = schema.safeParse({ from: v.from, to: v.to });
  if (!period.success) {
    throw new CliError(`bad period: ${period.error.issues.map((i) => `${i.path.join(".") || "period"}: ${i.message}`).join("; ")}`);
  }
  return { merchant: v.merchant, period: period.data, json: v.json ?? false };
}

const metrics: Command = {
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

const merchantsCommand: Command = {
  usage: "merchants [--json]",
  summary: "every merchant with its MCC, currency, time zone and transaction count",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({ args, strict: true, options: { json: { type: "boolean", default: false } } }),
    );
    const database = await getDatabase();
    const list = (await listMerchants(database)).map((m) => ({ slug: m.slug, name: m.name, mcc: m.mcc, currency: m.currency, timeZone: m.timeZone, transactions: m.transactions }));
    if (v.json) {
      io.out(JSON.stringify(list, null, 2));
      return;
    }
    io.out(
      table([
        ["slug", "name", "MCC", "currency", "time zone", "transactions"],
        ...list.map((m) => [m.slug, m.name, m.mcc, m.currency, m.timeZone, String(m.transactions)]),
      ]),
    );
  },
};

function outcomeLine(o: ModelRunOutcome): string {
  const what = o.status === "succeeded" ? `${o.customers} customers` : `FAILED: ${o.error}`;
  return `  ${o.kind.padEnd(9)} run ${o.runId} (v${o.version}) ${o.seconds.toFixed(2).padStart(7)} s  ${what}`;
}

const modelsCommand: Command = {
  usage: "models (--merchant SLUG [--kinds clv,churn,segments] [--as-of YYYY-MM-DD] | --pending) [--json]",
  summary: "fit and store model runs now for one merchant, or for every merchant in the job outbox",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({
        args,
        strict: true,
        options: {
          merchant: { type: "string" },
          pending: { type: "boolean", default: false },
          kinds: { type: "string" },
          "as-of": { type: "string" },
          json: { type: "boolean", default: false },
        },
      }),
    );
    if (Boolean(v.merchant) === v.pending) throw new CliError("give either --merchant SLUG or --pending");
    const database = await getDatabase();
    if (v.pending) {
      if (v.kinds || v["as-of"]) throw new CliError("--kinds and --as-of go with --merchant, not --pending");
      const started = performance.now();
      const processed = await runPendingModelJobs(database, {
        onMerchant: (p) => {
          if (v.json) return;
          const total = p.outcomes.reduce((s, o) => s + o.seconds, 0);
          io.out(`${p.merchantSlug ?? `merchant ${p.job.merchantId} (deleted)`}: ${total.toFixed(2)} s${p.requeued ? " (new data arrived meanwhile: still pending)" : ""}`);
          for (const o of p.outcomes) io.out(outcomeLine(o));
        },
        onCompetitorReports: (o) => {
          if (!v.json) io.out(storedReportsLine(o));
        },
      });
      const seconds = (performance.now() - started) / 1000;
      if (v.json) {
        io.out(
          JSON.stringify(
            { merchants: processed.map((p) => ({ merchant: p.merchantSlug, requeued: p.requeued, runs: p.outcomes })), seconds: Math.round(seconds * 100) / 100 },
            null,
            2,
          ),
        );
      } else {
        io.out(`${processed.length} merchant(s) processed in ${seconds.toFixed(1)} s`);
      }
      return;
    }
    let kinds: ModelKind[] | undefined;
    if (v.kinds) {
      kinds = v.kinds.split(",").map((k) => k.trim()) as ModelKind[];
      const unknown = kinds.filter((k) => !(MODEL_KINDS as readonly string[]).includes(k));
      if (unknown.length > 0) throw new CliError(`unknown model kind(s): ${unknown.join(", ")} (expected ${MODEL_KINDS.join(", ")})`);
    }
    if (v["as-of"] !== undefined && !isoDaySchema.safeParse(v["as-of"]).success) {
      throw new CliError(`--as-of must be a calendar day YYYY-MM-DD, got "${v["as-of"]}"`);
    }
    const merchant = await findMerchant(database, v.merchant!);
    const outcomes = await runMerchantModels(database, merchant.id, { kinds, asOf: v["as-of"] });
    if (v.json) {
      io.out(JSON.stringify({ merchant: merchant.slug, runs: outcomes }, null, 2));
      return;
    }
    io.out(`${merchant.name} (${merchant.slug})`);
    for (const o of outcomes) io.out(outcomeLine(o));
  },
};

/** Prints a stored run as JSON, or says why there is none (exit 2 when none succeeded yet). */
async function printLatest<T>(
  merchant: MerchantRef,
  kind: ModelKind,
  read: (ctx: AnalyticsContext) => Promise<T | null>,
  describe: (run: T) => string[],
  json: boolean,
  io: Io,
) {
  const database = await getDatabase();
  const { run, attempt } = await withMerchantScope(database, merchant.id, async (tx) => ({
    run: await read({ tx, merchant }),
    attempt: (await getModelRunAttempts({ tx, merchant }))[kind],
  }));
  if (!run) {
    const why = attempt?.status === "failed" ? `; the latest run failed: ${attempt.error}` : "; run `models --merchant SLUG` first";
    throw new CliError(`no succeeded ${kind} run for ${merchant.slug} yet${why}`);
  }
  if (json) {
    io.out(JSON.stringify({ merchant: merchant.slug, ...run }, null, 2));
    return;
  }
  if (attempt?.status === "failed") io.err(`note: the latest ${kind} run (v${attempt.version}) failed: ${attempt.error}`);
  for (const line of describe(run)) io.out(line);
}

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "–" : v.toFixed(digits));

const ltvCommand: Command = {
  usage: "ltv --merchant SLUG [--calibration-end YYYY-MM-DD --time-unit week|day] [--json]",
  summary: "customer value: the latest stored CLV run, or a BG/NBD + Gamma-Gamma fit up to a calibration end (inclusive)",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({
        args,
        strict: true,
        options: {
          merchant: { type: "string" },
          "calibration-end": { type: "string" },
          "time-unit": { type: "string" },
          json: { type: "boolean", default: false },
        },
      }),
    );
    if (!v.merchant) throw new CliError("--merchant SLUG is required");
    const calibrationEnd = v["calibration-end"];
    if (calibrationEnd === undefined && v["time-unit"] !== undefined) throw new CliError("--time-unit goes with --calibration-end");
    const database = await getDatabase();
    const merchant = await findMerchant(database, v.merchant);
    await requireMerchantFeature(database, merchant, "value");
    if (calibrationEnd === undefined) {
      await printLatest(
        merchant,
        "clv",
        getCustomerValueResults,
        (run) => {
          const { bgnbd, gammaGamma } = run.metrics;
          const c = merchant.currency;
          return [
            `${merchant.name} (${merchant.slug}): CLV run ${run.id} (v${run.version}), calibration ${run.periodFrom}..${run.params.calibrationEnd}, ${run.params.timeUnit}s`,
            table([
              ["figure", "value"],
              ["customers", String(run.summary.customers)],
              ["repeat customers", String(run.summary.repeatCustomers)],
              ["expected active customers", fmt(run.summary.expectedActiveCustomers, 1)],
              ["expected purchases, next 90 days", fmt(run.summary.expectedPurchases90d, 1)],
              [`total CLV, ${run.params.horizonMonths} months`, formatMoney(run.summary.totalClvMinor, c)],
              ["mean CLV", formatMoney(run.summary.meanClvMinor, c)],
              ["median CLV", formatMoney(run.summary.medianClvMinor, c)],
              ["BG/NBD r, alpha, a, b", [bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b].map((x) => fmt(x, 4)).join(", ")],
              ["BG/NBD log-likelihood", fmt(bgnbd.logLikelihood, 3)],
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
    let fit;
    try {
      fit = fitCustomerValue(rfm);
    } catch (err) {
      if (err instanceof ModelInputError) throw new CliError(err.message);
      throw err;
    }
    const { r, alpha, a, b } = fit.bgnbd.params;
    const { p, q, gamma } = fit.gammaGamma.params;
    const result = {
      merchant: merchant.slug,
      calibrationEnd,
      timeUnit,
      customers: fit.customers,
      bgnbd: { r, alpha, a, b, logLikelihood: fit.bgnbd.logLikelihood },
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
        ["BG/NBD", `r ${fmt(r, 4)}, alpha ${fmt(alpha, 4)}, a ${fmt(a, 4)}, b ${fmt(b, 4)}`, fmt(fit.bgnbd.logLikelihood, 3)],
        ["Gamma-Gamma", `p ${fmt(p, 4)}, q ${fmt(q, 4)}, gamma ${fmt(gamma, 4)}`, fmt(fit.gammaGamma.logLikelihood, 3)],
      ]),
    );
  },
};

function latestCommand(kind: "churn" | "segments"): Command {
  return {
    usage: `${kind} --merchant SLUG [--json]`,
    summary: kind === "churn" ? "the latest stored churn run: horizon, holdout metrics, importance, revenue at risk" : "the latest stored decision-tree segment table",
    async run(args, io) {
      const { values: v } = usageErrors(() =>
        parseArgs({ args, strict: true, options: { merchant: { type: "string" }, json: { type: "boolean", default: false } } }),
      );
      if (!v.merchant) throw new CliError("--merchant SLUG is required");
      const database = await getDatabase();
      const merchant = await findMerchant(database, v.merchant);
      await requireMerchantFeature(database, merchant, kind);
      const c = merchant.currency;
      if (kind === "churn") {
        await printLatest(
          merchant,
          "churn",
          getChurnResults,
          (run) => [
            `${merchant.name} (${merchant.slug}): churn run ${run.id} (v${run.version}) as of ${run.params.asOf}, horizon ${run.params.horizonDays} days`,
            `holdout at ${run.params.validationCutoff}: ROC AUC ${fmt(run.metrics.rocAuc)}, PR AUC ${fmt(run.metrics.prAuc)}, Brier ${fmt(run.metrics.brierScore)}, churn rate ${fmt(run.metrics.validationChurnRate)}`,
            `${run.summary.scoredCustomers} customers scored, ${fmt(run.summary.expectedChurners, 1)} expected to churn, revenue at risk ${formatMoney(run.summary.totalRevenueAtRiskMinor, c)}`,
            ...(run.params.competitorSpend.available ? [] : [`competitor spend omitted: ${run.params.competitorSpend.reason}`]),
            table([["feature", "mean |SHAP|"], ...run.summary.importance.map((i) => [i.feature, fmt(i.meanAbsShap, 4)])]),
            "",
            table([
              ["bank customer", "P(churn)", "CLV", "at risk", "why"],
              ...run.summary.revenueAtRisk.slice(0, 10).map((r) => [r.bankCustomerId, fmt(r.pChurn, 2), formatMoney(r.clvMinor, c), formatMoney(r.revenueAtRiskMinor, c), r.text.en]),
            ]),
          ],
          v.json,
          io,
        );
      } else {
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
      }
    },
  };
}

const planCommand: Command = {
  usage: "plan [--merchant SLUG [--set start|pro|business [--trial]]] [--json]",
  summary: "a merchant's plan, status and features (every merchant's without --merchant); --set changes it by hand (audited)",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({
        args,
        strict: true,
        options: { merchant: { type: "string" }, set: { type: "string" }, trial: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
      }),
    );
    if (v.set !== undefined && !isPlanId(v.set)) throw new CliError(`--set must be start, pro or business, got "${v.set}"`);
    if (v.trial && v.set === undefined) throw new CliError("--trial goes with --set");
    if (v.set !== undefined && !v.merchant) throw new CliError("--set needs --merchant SLUG");
    const database = await getDatabase();
    if (!v.merchant) {
      // Every merchant: onboarded (plan, status) or bank data.
      const list = [];
      for (const m of await listMerchants(database)) {
        const e = await loadEntitlements(database.db, m.id);
        list.push({ merchant: m.slug, mcc: m.mcc, plan: e.plan, status: e.status, source: e.source });
      }
      if (v.json) io.out(JSON.stringify(list, null, 2));
      else io.out(table([["merchant", "MCC", "plan", "status"], ...list.map((r) => [r.merchant, r.mcc, r.plan ?? "(bank data)", r.status ?? ""])]));
      return;
    }
    const merchant = await findMerchant(database, v.merchant);
    if (v.set !== undefined && isPlanId(v.set)) {
      const plan = v.set;
      await database.db.transaction((tx) => setPlanIn(tx, merchant.id, { plan, trial: v.trial }, null));
    }
    const account = await loadAccount(database.db, merchant.id);
    const e = await loadEntitlements(database.db, merchant.id);
    const result = {
      merchant: merchant.slug,
      plan: e.plan,
      status: e.status,
      source: e.source,
      inGoodStanding: e.inGoodStanding,
      trialEndsAt: account?.trialEndsAt?.toISOString() ?? null,
      features: [...e.features],
    };
    if (v.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(`${merchant.name} (${merchant.slug}): ${e.plan ? `${e.plan} plan, ${e.status}${result.trialEndsAt ? ` until ${result.trialEndsAt}` : ""}` : "not onboarded (bank data, unrestricted)"}`);
    io.out(`features: ${result.features.join(", ") || "none"}`);
  },
};

// Forecasts and findings (issue 5): the latest stored runs; findings rendered in --locale.
const forecastCommand: Command = {
  usage: "forecast --merchant SLUG [--json]",
  summary: "the latest stored forecast run: daily (4 weeks) and weekly (13 weeks) with 80/95 % intervals and backtests",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({ args, strict: true, options: { merchant: { type: "string" }, json: { type: "boolean", default: false } } }),
    );
    if (!v.merchant) throw new CliError("--merchant SLUG is required");
    const database = await getDatabase();
    const merchant = await findMerchant(database, v.merchant);
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

const findingsCommand: Command = {
  usage: "findings --merchant SLUG [--locale en|ru] [--json]",
  summary: "the latest stored findings, ranked by money impact, in words (--json adds the rendered text to each finding)",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({
        args,
        strict: true,
        options: { merchant: { type: "string" }, locale: { type: "string", default: "en" }, json: { type: "boolean", default: false } },
      }),
    );
    if (!v.merchant) throw new CliError("--merchant SLUG is required");
    if (v.locale !== "en" && v.locale !== "ru") throw new CliError("--locale must be en or ru");
    const database = await getDatabase();
    const merchant = await findMerchant(database, v.merchant);
    await requireMerchantFeature(database, merchant, "findings");
    const t = findingsTranslator(v.locale);
    const read = async (ctx: AnalyticsContext) => {
      const run = await getFindingsResults(ctx);
      if (!run) return null;
      const findings = run.summary.findings.map((f) => ({ ...f, text: renderFinding(f, v.locale!, merchant.currency, t) }));
      return { ...run, summary: { ...run.summary, findings } };
    };
    await printLatest(
      merchant,
      "findings",
      read,
      (run) => [
        `${merchant.name} (${merchant.slug}): findings run ${run.id} (v${run.version}) as of ${run.summary.asOf}, ${run.summary.findings.length} findings`,
        ...(run.summary.findings.length === 0 ? [t("feed.empty")] : []),
        ...run.summary.findings.flatMap((f, i) => [
          "",
          `${i + 1}. ${f.text.headline}  [${f.text.confidence}${f.p === null ? "" : `, p = ${f.p.toExponential(1)}`}]`,
          `   ${f.text.explanation}`,
          `   ${f.text.numbers.map((n) => `${n.label}: ${n.value}`).join("; ")}`,
        ]),
      ],
      v.json,
      io,
    );
  },
};

const digestCommand: Command = {
  usage: "digest [--as-of YYYY-MM-DD] [--base-url URL] [--json]",
  summary: "queues this week's findings digest per user (merchant users and relationship managers) in the e-mail outbox",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({
        args,
        strict: true,
        options: { "as-of": { type: "string" }, "base-url": { type: "string" }, json: { type: "boolean", default: false } },
      }),
    );
    if (v["as-of"] !== undefined && !isoDaySchema.safeParse(v["as-of"]).success) throw new CliError(`--as-of must be YYYY-MM-DD: ${v["as-of"]}`);
    const database = await getDatabase();
    const result = await queueWeeklyDigests(database, { asOf: v["as-of"], baseUrl: v["base-url"] });
    if (v.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(`queued ${result.queued} digest(s) for the week ending ${result.asOf}`);
    for (const d of result.digests) io.out(`  ${d.to}  ${d.subject}  (${d.findings} findings)`);
  },
};

const benchmarksCommand: Command = {
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
        ? `peer group: ${g.level} (MCC ${g.mcc}, ${g.region ?? "-"}), ${g.peers} peers, largest share ${fmt.percent(g.largestShare)}`
        : `peer group withheld: ${g.withheld?.rule} (${g.peers} peers, largest share ${fmt.percent(g.largestShare)})`,
    );
    const cell = (key: (typeof report.benchmarks)[number]["key"], x: number | null) => formatBenchmark(key, x, fmt);
    io.out(
      table([
        ["benchmark", "merchant", "p25", "median", "p75", "rank"],
        ...report.benchmarks.map((b) =>
          b.peers.released
            ? [b.key, cell(b.key, b.own), cell(b.key, b.peers.value.p25), cell(b.key, b.peers.value.median), cell(b.key, b.peers.value.p75), String(b.peers.value.percentileRank ?? "-")]
            : [b.key, cell(b.key, b.own), `withheld: ${b.peers.withheld.rule}`, "", "", ""],
        ),
      ]),
    );
  },
};

const competitorReportsCommand: Command = {
  usage: "competitor-reports (--merchant SLUG | --all) [--json]",
  summary: "compute and store the Competitors page's reports (what ingest's jobs do; e.g. after a merchants.csv change)",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({ args, strict: true, options: { merchant: { type: "string" }, all: { type: "boolean", default: false }, json: { type: "boolean", default: false } } }),
    );
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

/** command name → handler; add new subcommands here. */
export const COMMANDS: Record<string, Command> = {
  metrics,
  merchants: merchantsCommand,
  models: modelsCommand,
  ltv: ltvCommand,
  churn: latestCommand("churn"),
  segments: latestCommand("segments"),
  campaign: campaignCommand,
  plan: planCommand,
  benchmarks: benchmarksCommand,
  "competitor-reports": competitorReportsCommand,
  forecast: forecastCommand,
  findings: findingsCommand,
  digest: digestCommand,
};

function usage(): string {
  return [
    "usage: npm run cli -- <command> [options]",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(72)} ${c.summary}`),
  ].join("\n");
}

/** Runs one CLI invocation and returns its exit code; always closes the database. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "help" || name === "--help" || name === "-h") {
      (name ? io.out : io.err)(usage());
      return name ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) throw new CliError(`unknown command: ${name}\n${usage()}`);
    await command.run(rest, io);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`error: ${err.message}`);
      return err.code;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await closeDatabase();
  }
}

const isEntry = process.argv[1] && /scripts[\\/]cli\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2), {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
