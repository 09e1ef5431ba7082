import { getDatabase } from "@/db/client";
import { isoDaySchema } from "@/lib/days";
import { MODEL_KINDS, runMerchantModels, runPendingModelJobs, type ModelKind, type ModelRunOutcome } from "@/lib/jobs/runModels";
import { storedReportsLine } from "@/lib/privacy/precompute";
import { CliError } from "../cli-errors";
import { findMerchant, JSON_OPTION, MERCHANT_OPTION, parseOptions, type Command } from "./shared";

/** One model run's line: kind, run id and version, seconds, customers or the failure. */
function outcomeLine(o: ModelRunOutcome): string {
  const what = o.status === "succeeded" ? `${o.customers} customers` : `FAILED: ${o.error}`;
  return `  ${o.kind.padEnd(9)} run ${o.runId} (v${o.version}) ${o.seconds.toFixed(2).padStart(7)} s  ${what}`;
}

/** `models`: fits and stores model runs now, for one merchant or for every merchant in the job outbox. */
export const modelsCommand: Command = {
  usage: "models (--merchant SLUG [--kinds clv,churn,segments] [--as-of YYYY-MM-DD] | --pending) [--json]",
  summary: "fit and store model runs now for one merchant, or for every merchant in the job outbox",
  async run(args, io) {
    const v = parseOptions(args, {
      ...MERCHANT_OPTION,
      pending: { type: "boolean", default: false },
      kinds: { type: "string" },
      "as-of": { type: "string" },
      ...JSON_OPTION,
    });
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
