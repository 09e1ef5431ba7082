import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getDatabase, type Database } from "@/db/client";
import type { OfferAudience } from "@/db/schema";
import { ingestFile } from "@/lib/ingest";
import { createOffer, measureAndStoreOffer, offerDeliveryJob, previewOfferRequest } from "@/lib/offers";
import { dayAfterLastData, offerMerchantRef, offerOutcomeInputs } from "@/lib/offers/cli";
import { refreshWinBack } from "@/lib/offers/winback";
import { getOffer, listOffers, type OfferView } from "@/lib/offers/queries";
import { DEFAULT_OFFER_SIMULATION, plantedCustomer, simulateOfferOutcome } from "@/lib/synthetic/offers";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { CliError, requireMerchantFeature } from "../cli-errors";
import { findMerchant, formatMoney, JSON_OPTION, MERCHANT_OPTION, parseOptions, requireMerchantSlug, type Command } from "./shared";

/*
 * `npm run cli -- offers <create|list|report|deliver|simulate> …` (docs/offers.md). Creation,
 * delivery and measurement run on the owner connection as the bank's operator; list and report
 * read inside the merchant's scope, exactly as the Offers pages do. `simulate` loads the planted
 * outcome of an offer's window on the synthetic bank (lib/synthetic/offers.ts) through the
 * ordinary ingest, as the bank's next transaction load would.
 */

/** `lapsed:MIN:MAX`, `regulars:N`, `active:DAYS` or `all`. */
function parseAudience(text: string): OfferAudience {
  const [kind, a, b] = text.split(":");
  if (kind === "lapsed" && a && b) return { kind, minDays: Number(a), maxDays: Number(b) };
  if (kind === "regulars" && a) return { kind, minPurchases: Number(a) };
  if (kind === "active" && a) return { kind, withinDays: Number(a) };
  if (kind === "all" && a === undefined) return { kind };
  throw new CliError(`--audience: lapsed:MIN_DAYS:MAX_DAYS, regulars:MIN_PURCHASES, active:DAYS or all (got ${text})`);
}

/** `cashback:PERCENT:CAP_MINOR` or `bonus:AMOUNT_MINOR:CAP_MINOR`. */
function parseTerms(text: string) {
  const [kind, value, cap] = text.split(":");
  const capMinor = Number(cap);
  if (kind === "cashback") return { kind, rateBp: Math.round(Number(value) * 100), bonusMinor: null, capMinor };
  if (kind === "bonus") return { kind, rateBp: null, bonusMinor: Number(value), capMinor };
  throw new CliError(`offer terms: cashback:PERCENT:CAP_MINOR or bonus:AMOUNT_MINOR:CAP_MINOR (got ${text})`);
}

function ci(lo: number, hi: number, f: (v: number) => string) {
  return `[${f(lo)}, ${f(hi)}]`;
}

function summary(o: OfferView): string {
  const money = (v: number) => formatMoney(Math.round(v), o.currency);
  const lines = [
    `offer ${o.id} "${o.name}": ${o.status}, audience ${o.audienceSize} (${o.audience.kind}), window ${o.startsOn} … ${o.endsOn} (exclusive), holdout ${(o.holdout * 100).toFixed(0)} %, primary metric ${o.primaryMetric}`,
  ];
  if (!o.result) {
    lines.push(o.resultError ? `measurement failed: ${o.resultError}` : "not measured yet");
    return lines.join("\n");
  }
  for (const v of o.result.variants) {
    lines.push(`variant ${v.arm === 1 ? "A" : "B"}: ${v.treatment} treated, ${v.control} held out`);
    lines.push(`  incremental revenue ${money(v.revenue.total)} ${ci(v.revenue.totalCi.lower, v.revenue.totalCi.upper, money)} (CUPED; per customer ${money(v.revenue.perCustomer)}, plain ${money(v.revenue.plain.perCustomer)}; interval ${((1 - 1 / v.revenue.narrowing) * 100).toFixed(0)} % narrower)`);
    lines.push(`  incremental visits ${v.visits.total.toFixed(1)} ${ci(v.visits.totalCi.lower, v.visits.totalCi.upper, (x) => x.toFixed(1))}`);
    lines.push(`  cost (cashback) ${money(v.costMinor)}, net ${money(v.netMinor.estimate)}, ROI ${v.roi ? `${(v.roi.estimate * 100).toFixed(0)} % ${ci(v.roi.ci.lower * 100, v.roi.ci.upper * 100, (x) => `${x.toFixed(0)} %`)}` : "–"}`);
    lines.push(`  persuadables: net ${(v.persuadableShare.net * 100).toFixed(1)} pp, in responding segments ${(v.persuadableShare.inSegments * 100).toFixed(1)} %`);
    for (const s of v.segments) {
      lines.push(s.suppressed ? `  segment ${s.segment}: < 5 customers` : `  segment ${s.segment}: ${s.treatment}/${s.control}, revenue ${money(s.revenue!.perCustomer)} ${ci(s.revenue!.ci.lower, s.revenue!.ci.upper, money)} per customer`);
    }
  }
  return lines.join("\n");
}

async function offerMerchant(database: Database, id: number) {
  const merchant = await offerMerchantRef(database, id);
  if (!merchant) throw new CliError(`unknown offer: ${id}`);
  return merchant;
}

/** Segment of the planted mix for a stratum (docs/offers.md, "Synthetic truth"). */
function plantedSegment(stratum: string): string {
  if (stratum === "r1-f3") return "annoyed";
  if (stratum.startsWith("r1")) return "regular";
  if (stratum.startsWith("r4")) return "gone";
  return "lapsing";
}

/**
 * Loads the planted outcome of an offer's window on the synthetic bank: every assigned customer
 * gets a response type from its stratum's planted mix and purchases in [startsOn, endsOn) drawn
 * by simulateOfferOutcome (treated or not by its frozen arm), written as a transactions CSV and
 * ingested (all-or-nothing, idempotent by transaction id).
 * @returns the number of transactions loaded
 * @throws Error when the offer is unknown or the ingest rejects the file
 */
export async function loadSyntheticOfferOutcome(database: Database, offerId: number, seed = DEFAULT_OFFER_SIMULATION.seed): Promise<number> {
  const o = await offerOutcomeInputs(database, offerId);
  const windowDays = Math.round((Date.parse(`${o.endsOn}T00:00:00Z`) - Date.parse(`${o.startsOn}T00:00:00Z`)) / 86_400_000);
  const config = { ...DEFAULT_OFFER_SIMULATION, seed, windowDays, preDays: o.preDays };
  const lines = ["transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind"];
  for (const a of o.assigned) {
    const m = o.members.get(a.customerId);
    const customer = plantedCustomer(config, a.customerId, plantedSegment(a.stratum), { preVisits: m?.preVisits ?? 0, preRevenueMinor: m?.preRevenueMinor ?? 0 });
    simulateOfferOutcome(config, customer, a.arm !== 0).forEach((p, k) => {
      const day = new Date(Date.parse(`${o.startsOn}T12:00:00Z`) + p.day * 86_400_000).toISOString().slice(0, 19);
      lines.push(`OFR${offerId}-${a.customerId}-${k},${o.bankMerchantId},${a.bankCustomerId},${p.amountMinor},${o.currency},${day}Z,offline,purchase`);
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offer-outcome-"));
  try {
    const file = path.join(dir, `offer-${offerId}-outcome.csv`);
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    const report = await ingestFile(database, { format: "transactions", file });
    if (!report.ok) throw new Error(`the simulated outcome was rejected: ${JSON.stringify(report.errors?.slice(0, 3))}`);
    return lines.length - 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const offersCommand: Command = {
  usage:
    "offers create --merchant SLUG --name N --audience lapsed:30:180|regulars:N|active:DAYS|all --terms cashback:PCT:CAP|bonus:AMOUNT:CAP --from D|next --to D|--days N --budget MINOR --metric revenue|visits [--variant-b TERMS] [--holdout 0.15] [--seed N] [--preview] | list --merchant SLUG | report --id ID [--measure [--force]] | deliver --id ID | simulate --id ID | learn --merchant SLUG",
  summary: "offers: create (preview, frozen assignment), list, deliver, simulate the synthetic outcome, measure and report, learn (the win-back curve)",
  async run(args, io) {
    const [sub, ...rest] = args;
    const database = await getDatabase();
    if (sub === "create") {
      const v = parseOptions(rest, {
        ...MERCHANT_OPTION, name: { type: "string" }, audience: { type: "string" }, terms: { type: "string" }, "variant-b": { type: "string" },
        from: { type: "string" }, to: { type: "string" }, days: { type: "string" }, budget: { type: "string" }, metric: { type: "string" }, holdout: { type: "string" },
        seed: { type: "string" }, preview: { type: "boolean", default: false }, ...JSON_OPTION,
      });
      const merchant = await findMerchant(database, requireMerchantSlug(v.merchant));
      await requireMerchantFeature(database, merchant, "campaigns");
      if (!v.name || !v.audience || !v.terms || !v.from || !(v.to || v.days) || !v.budget || !v.metric) throw new CliError(`usage: npm run cli -- ${offersCommand.usage}`);
      // --from next: the day after the merchant's last day with data; --days N: the window's length.
      const startsOn = v.from === "next" ? ((await dayAfterLastData(database, merchant.id)) ?? "") : v.from;
      const endsOn = v.days ? new Date(Date.parse(`${startsOn}T00:00:00Z`) + Number(v.days) * 86_400_000).toISOString().slice(0, 10) : v.to!;
      const input = {
        name: v.name,
        audience: parseAudience(v.audience),
        terms: parseTerms(v.terms),
        variantB: v["variant-b"] ? parseTerms(v["variant-b"]) : null,
        startsOn,
        endsOn,
        budgetMinor: Number(v.budget),
        primaryMetric: v.metric,
        ...(v.holdout ? { holdout: Number(v.holdout) } : {}),
        ...(v.seed ? { seed: Number(v.seed) } : {}),
      };
      if (v.preview) {
        const p = await previewOfferRequest(database, merchant.id, input);
        io.out(v.json ? JSON.stringify(p, null, 2) : p.tooSmall ? "audience: fewer than 10 customers" : `audience ${p.audienceSize}, expected responders ${p.expectedResponders.toFixed(0)}, expected incremental revenue ${formatMoney(Math.round(p.expectedIncrementalRevenueMinor), merchant.currency)} (prior ${(p.priorLift * 100).toFixed(1)} %, ${p.priorSource}); suggested holdout ${(p.suggestedHoldout * 100).toFixed(0)} %`);
        return;
      }
      const created = await createOffer(database, merchant.id, input);
      io.out(v.json ? JSON.stringify(created, null, 2) : `offer ${created.offerId} created: audience ${created.audienceSize}, holdout ${created.arms.holdout}, variant A ${created.arms.a}${created.arms.b ? `, variant B ${created.arms.b}` : ""}; delivery queued`);
      return;
    }
    if (sub === "learn") {
      const v = parseOptions(rest, { ...MERCHANT_OPTION, ...JSON_OPTION });
      const merchant = await findMerchant(database, requireMerchantSlug(v.merchant));
      const out = await refreshWinBack(database, merchant);
      io.out(v.json ? JSON.stringify(out, null, 2) : out.source === "none" ? `win-back curve: none (${out.reason})` : `win-back curve stored, ranked with the ${out.source} uplift model`);
      return;
    }
    if (sub === "list") {
      const v = parseOptions(rest, { ...MERCHANT_OPTION, ...JSON_OPTION });
      const merchant = await findMerchant(database, requireMerchantSlug(v.merchant));
      await requireMerchantFeature(database, merchant, "campaigns");
      const list = await withMerchantScope(database, merchant.id, (tx) => listOffers({ tx, merchant }));
      io.out(v.json ? JSON.stringify(list, null, 2) : list.map((o) => `${o.id}\t${o.name}\t${o.status}\t${o.audienceSize}\t${o.startsOn}…${o.endsOn}`).join("\n") || "no offers");
      return;
    }
    const v = parseOptions(rest, { id: { type: "string" }, measure: { type: "boolean", default: false }, force: { type: "boolean", default: false }, seed: { type: "string" }, ...JSON_OPTION });
    const id = Number(v.id);
    if (!Number.isInteger(id) || id <= 0) throw new CliError(`offers ${sub ?? ""} needs --id ID`);
    const merchant = await offerMerchant(database, id);
    if (sub === "deliver") {
      io.out(JSON.stringify(await offerDeliveryJob(database, { offerId: id })));
      return;
    }
    if (sub === "simulate") {
      const n = await loadSyntheticOfferOutcome(database, id, v.seed ? Number(v.seed) : undefined);
      io.out(`loaded ${n} simulated purchases in offer ${id}'s window`);
      return;
    }
    if (sub === "report") {
      await requireMerchantFeature(database, merchant, "campaigns");
      if (v.measure) await measureAndStoreOffer(database, id, { force: v.force });
      const offer = await withMerchantScope(database, merchant.id, (tx) => getOffer({ tx, merchant }, id));
      if (!offer) throw new CliError(`unknown offer: ${id}`);
      io.out(v.json ? JSON.stringify(offer, null, 2) : summary(offer));
      return;
    }
    throw new CliError(`usage: npm run cli -- ${offersCommand.usage}`);
  },
};
