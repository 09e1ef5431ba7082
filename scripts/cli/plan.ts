import { getDatabase } from "@/db/client";
import { isPlanId, loadAccount, loadEntitlements, setPlanIn } from "@/lib/billing";
import { listMerchants } from "@/lib/ingest";
import { CliError } from "../cli-errors";
import { findMerchant, JSON_OPTION, MERCHANT_OPTION, parseOptions, table, type Command } from "./shared";

/** `plan`: plans and features per merchant; `--set` changes one by hand (bank-managed billing, audited). */
export const planCommand: Command = {
  usage: "plan [--merchant SLUG [--set start|pro|business [--trial]]] [--json]",
  summary: "a merchant's plan, status and features (every merchant's without --merchant); --set changes it by hand (audited)",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, set: { type: "string" }, trial: { type: "boolean", default: false }, ...JSON_OPTION });
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
