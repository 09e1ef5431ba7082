import { getDatabase } from "@/db/client";
import { findMerchantRef } from "@/lib/jobs/store";
import { findCampaignMerchantId, importCampaign, runCampaignReport } from "@/lib/campaigns";
import { getCampaignReport, listCampaigns } from "@/lib/campaigns/queries";
import type { CampaignReport } from "@/lib/campaigns/types";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { CliError, requireMerchantFeature } from "../cli-errors";
import { JSON_OPTION, MERCHANT_OPTION, parseOptions, type Command } from "./shared";

/*
 * `npm run cli -- campaign <import|report|list> …` (docs/campaigns.md). Import and report run on
 * the owner connection, as the bank's operator; the report is read back inside the merchant's
 * scope, exactly as the page reads it.
 */

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const pp = (v: number) => `${(v * 100).toFixed(2)} pp`;

function summary(r: CampaignReport): string {
  const lines = [`campaign ${r.campaign.id} "${r.campaign.name}": ${r.campaign.analysedRows} rows analysed, ${r.campaign.unknownCustomers} unknown customers, outcomes from ${r.campaign.outcomeSource}`];
  for (const a of r.actions) {
    lines.push(`${a.action}: treatment ${a.treatment}, control ${a.control}`);
    for (const o of a.outcomes) {
      const f = o.kind === "rate" ? pct : (v: number) => (v / 100).toFixed(2);
      const d = o.kind === "rate" ? pp : (v: number) => (v / 100).toFixed(2);
      lines.push(`  ${o.outcome}: ${f(o.treatment)} vs ${f(o.control)}, lift ${d(o.absolute)} [${d(o.ci.lower)}, ${d(o.ci.upper)}] (${o.method}), p = ${o.pValue.toPrecision(3)}`);
    }
    if (a.uplift) lines.push(`  Qini coefficient (held-out ${a.uplift.tLearner.heldOut}): T-learner ${a.uplift.tLearner.qini.toFixed(4)}, class transformation ${a.uplift.classTransformation.qini.toFixed(4)}, random ${a.uplift.random.qini.toFixed(4)}`);
  }
  return lines.join("\n");
}

export const campaignCommand: Command = {
  usage: "campaign import --merchant SLUG [--format hillstrom] --file PATH | report --id ID [--json] | list --merchant SLUG",
  summary: "campaign uploads and uplift reports",
  async run(args, io) {
    const [sub, ...rest] = args;
    const database = await getDatabase();
    if (sub === "import") {
      const v = parseOptions(rest, { ...MERCHANT_OPTION, file: { type: "string" }, format: { type: "string" }, name: { type: "string" }, "window-days": { type: "string" }, ...JSON_OPTION });
      if (typeof v.merchant !== "string" || typeof v.file !== "string") throw new CliError("campaign import needs --merchant SLUG --file PATH");
      const format = (v.format as string | undefined) ?? "campaign";
      if (format !== "campaign" && format !== "hillstrom") throw new CliError(`unknown campaign format: ${format} (campaign, hillstrom)`);
      const merchant = await findMerchantRef(database, { slug: v.merchant });
      if (!merchant) throw new CliError(`unknown merchant: ${v.merchant}`);
      await requireMerchantFeature(database, merchant, "campaigns");
      const windowDays = v["window-days"] === undefined ? undefined : Number(v["window-days"]);
      const imported = await importCampaign(database, { merchantId: merchant.id, file: v.file, format, name: v.name as string | undefined, windowDays });
      const report = imported.ok && imported.campaignId !== null && !imported.alreadyPresent ? await runCampaignReport(database, imported.campaignId) : null;
      if (v.json) io.out(JSON.stringify({ import: imported, report: report && { id: report.reportId, version: report.version, status: report.status, error: report.error } }, null, 2));
      else if (!imported.ok) io.out(`rejected (${imported.errorCount} errors):\n${imported.errors.map((e) => `  line ${e.line}${e.column ? ` [${e.column}]` : ""}: ${e.reason}`).join("\n")}`);
      else io.out(`${imported.alreadyPresent ? "already imported" : "imported"}: campaign ${imported.campaignId}, ${imported.rowsRead} rows, ${imported.unknownCustomers} unknown customers, ${imported.elapsedMs} ms${report ? `; report v${report.version} ${report.status}${report.error ? `: ${report.error}` : ""}` : ""}`);
      if (!imported.ok) throw new CliError("campaign file rejected; nothing was imported");
      return;
    }
    if (sub === "report") {
      const v = parseOptions(rest, { id: { type: "string" }, ...JSON_OPTION, recompute: { type: "boolean" } });
      const id = Number(v.id);
      if (!Number.isInteger(id) || id <= 0) throw new CliError("campaign report needs --id ID");
      const merchantId = await findCampaignMerchantId(database, id);
      if (merchantId === null) throw new CliError(`unknown campaign: ${id}`);
      const merchant = (await findMerchantRef(database, { id: merchantId }))!;
      await requireMerchantFeature(database, merchant, "campaigns");
      const read = () => withMerchantScope(database, merchant.id, (tx) => getCampaignReport({ tx, merchant }, id));
      let view = await read();
      if (v.recompute || view?.status === null) {
        await runCampaignReport(database, id);
        view = await read();
      }
      if (!view?.report) throw new CliError(`campaign ${id}: report ${view?.status ?? "missing"}${view?.error ? `: ${view.error}` : ""}`, 1);
      io.out(v.json ? JSON.stringify(view.report, null, 2) : summary(view.report));
      return;
    }
    if (sub === "list") {
      const v = parseOptions(rest, { ...MERCHANT_OPTION, ...JSON_OPTION });
      if (typeof v.merchant !== "string") throw new CliError("campaign list needs --merchant SLUG");
      const merchant = await findMerchantRef(database, { slug: v.merchant });
      if (!merchant) throw new CliError(`unknown merchant: ${v.merchant}`);
      await requireMerchantFeature(database, merchant, "campaigns");
      const list = await withMerchantScope(database, merchant.id, (tx) => listCampaigns({ tx, merchant }));
      io.out(v.json ? JSON.stringify(list, null, 2) : list.map((c) => `${c.id}\t${c.name}\t${c.rows} rows\t${c.actions.join(", ")}\t${c.reportStatus ?? "no report"}`).join("\n") || "no campaigns");
      return;
    }
    throw new CliError(`usage: npm run cli -- ${campaignCommand.usage}`);
  },
};
