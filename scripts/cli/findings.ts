import { getDatabase } from "@/db/client";
import { getFindingsResults } from "@/lib/analytics/getForecastFindings";
import { renderFinding } from "@/lib/findings/render";
import { findingsTranslator } from "@/lib/findings/translate";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { CliError, requireMerchantFeature } from "../cli-errors";
import { findMerchant, JSON_OPTION, MERCHANT_OPTION, parseOptions, printLatest, requireMerchantSlug, type Command } from "./shared";

/** `findings`: the latest stored findings, rendered in `--locale` (issue 5). */
export const findingsCommand: Command = {
  usage: "findings --merchant SLUG [--locale en|ru] [--json]",
  summary: "the latest stored findings, ranked by money impact, in words (--json adds the rendered text to each finding)",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, locale: { type: "string", default: "en" }, ...JSON_OPTION });
    const slug = requireMerchantSlug(v.merchant);
    if (v.locale !== "en" && v.locale !== "ru") throw new CliError("--locale must be en or ru");
    const locale = v.locale;
    const database = await getDatabase();
    const merchant = await findMerchant(database, slug);
    await requireMerchantFeature(database, merchant, "findings");
    const t = findingsTranslator(locale);
    const read = async (ctx: AnalyticsContext) => {
      const run = await getFindingsResults(ctx);
      if (!run) return null;
      const findings = run.summary.findings.map((f) => ({ ...f, text: renderFinding(f, locale, merchant.currency, t) }));
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
