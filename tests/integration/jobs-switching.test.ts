import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { rocAuc } from "@/lib/models/classificationMetrics";
import { addDays } from "@/lib/days";
import { ENDPOINTS } from "@/lib/endpoints/registry";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { findMerchantRef, getBankCustomerIds } from "@/lib/jobs/store";
import { MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { computeSwitchRunWithHoldout, type SwitchPoolCache } from "@/lib/jobs/switching";
import { BANK_FILES } from "@/lib/synthetic";
import { loadSmallSyntheticBank } from "../helpers/syntheticBank";

/*
 * The competitor-leaving forecast against the synthetic bank's planted switching (issue 17, ADR
 * 0024): on the small bank (seed 42, 3,000 customers) each grocery merchant (MCC 5411, 20 of them)
 * is fitted as of the day after its data; the chosen model's holdout predictions at the validation
 * cutoff c₂ are compared with switch_events.csv: a customer is a true switcher when the generator
 * moved their favourite away from this merchant on a day in [c₂, c₂ + 90).
 */
/*
 * Pinned figures of the seeded run (seed 42; every merchant as of the day after its data). What
 * they say (ADR 0024, "Result"): the target, AUC ≥ 0.75 against switch_events, is NOT met
 * and cannot be on this bank: even the generator's own per-customer switch hazard, used as the
 * score, reaches only oracleAuc 0.59, because a switch is a monthly coin toss with probability
 * 0.4–4 % (lib/synthetic/model.ts SWITCHING) and its only forerunner, the 45-day drift, shows in
 * about one grocery purchase. The model fits its own, observable label (aucOnLabel 0.69), and that
 * label finds 65 % of the planted switches (labelRecall) among many customers whose buying moved
 * by cross-shopping alone. These numbers are pinned so that any change to the generator or the
 * model shows here; the AUC target is the lead's decision (report of h/switch).
 */
const PINNED = {
  customers: 1366,
  switchers: 46,
  flagged: 164,
  // 0.496 and 0.6865 before the pooled model was fitted once per segment on its rows in a
  // canonical order (ADR 0027): the same rows, summed in another order, tip near-equal splits.
  auc: 0.4981,
  precision: 0.0305,
  recall: 0.1087,
  labelled: 152,
  labelPrecision: 0.1974,
  labelRecall: 0.6522,
  aucOnLabel: 0.6877,
  oracleAuc: 0.5926,
};

let database: Database;
let dir: string;
let cleanup: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ database, dir, cleanup } = await loadSmallSyntheticBank("jobs-switching"));
});
afterAll(async () => {
  await cleanup?.();
});

/** switch_events.csv as (from bank merchant id, customer bank id, date). */
function readSwitchEvents(): { customer: string; date: string; from: string }[] {
  const lines = fs.readFileSync(path.join(dir, BANK_FILES.switchEvents), "utf8").trim().split("\n").slice(1);
  return lines.map((l) => {
    const [customer, , , date, from] = l.split(",");
    return { customer, date, from };
  });
}

/** customer_mcc_truths.csv: the true monthly switch hazard of each customer's grocery relationship. */
function readGroceryHazards(): Map<string, number> {
  const lines = fs.readFileSync(path.join(dir, BANK_FILES.relationshipTruths), "utf8").trim().split("\n");
  const header = lines[0].split(",");
  const [idCol, mccCol, hazardCol] = ["customer_id", "mcc", "switch_hazard"].map((c) => header.indexOf(c));
  return new Map(lines.slice(1).map((l) => l.split(",")).filter((f) => f[mccCol] === "5411").map((f) => [f[idCol], Number(f[hazardCol])]));
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

describe("competitor-leaving forecast on the synthetic bank", () => {
  it("is scored against the planted switching of the grocery merchants (AUC, precision, recall against switch_events)", async () => {
    const events = readSwitchEvents();
    const hazards = readGroceryHazards();
    const merchants = await queryRows<{ id: number; slug: string }>(database.db, sql`select id, slug from merchants where mcc = '5411' order by id`);
    expect(merchants.length).toBe(20);
    const cache: SwitchPoolCache = new Map();
    const y: number[] = [];
    const p: number[] = [];
    const yData: number[] = [];
    const oracle: number[] = [];
    const training: string[] = [];
    for (const m of merchants) {
      const merchant = (await findMerchantRef(database, { id: m.id }))!;
      const bankMerchantIds = new Set((await queryRows<{ b: string }>(database.db, sql`select bank_merchant_id as b from merchant_bank_ids where merchant_id = ${m.id}`)).map((r) => r.b));
      const bankIds = await getBankCustomerIds(database, m.id);
      const [{ last }] = await queryRows<{ last: string }>(database.db, sql`select max(day)::text as last from merchant_daily where merchant_id = ${m.id}`);
      const { run, holdout } = await computeSwitchRunWithHoldout(database, merchant, addDays(last, 1), cache);
      training.push(run.params.training);
      const c2 = run.params.validationCutoff;
      const end = addDays(c2, run.params.horizonDays);
      const truth = new Set(events.filter((e) => bankMerchantIds.has(e.from) && e.date >= c2 && e.date < end).map((e) => e.customer));
      holdout.customerIds.forEach((id, i) => {
        const bankId = bankIds.get(id)!;
        y.push(truth.has(bankId) ? 1 : 0);
        p.push(holdout.pSwitch[i]);
        yData.push(holdout.switched[i]);
        oracle.push(hazards.get(bankId) ?? 0);
      });
    }
    // Flag the k customers with the highest P(switch), k = round(Σ P): the expected number of switchers.
    const k = Math.round(p.reduce((s, v) => s + v, 0));
    const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
    const flagged = new Set(order.slice(0, k));
    const truePositives = y.filter((v, i) => v === 1 && flagged.has(i)).length;
    const switchers = y.reduce((s, v) => s + v, 0);
    const labelled = yData.reduce((s, v) => s + v, 0);
    const labelAgrees = y.filter((v, i) => v === 1 && yData[i] === 1).length;
    const figures = {
      customers: y.length,
      switchers,
      flagged: k,
      auc: r4(rocAuc(y, p)),
      precision: r4(truePositives / k),
      recall: r4(truePositives / switchers),
      // The data's label (day share here < ½ over the horizon) against the truth.
      labelled,
      labelPrecision: r4(labelAgrees / labelled),
      labelRecall: r4(labelAgrees / switchers),
      // The model against its own label, and the ceiling: the generator's true switch hazard as the score.
      aucOnLabel: r4(rocAuc(yData, p)),
      oracleAuc: r4(rocAuc(y, oracle)),
    };
    console.log(`switching on the small bank: ${JSON.stringify(figures)} (training: ${training.join(",")})`);
    expect(figures).toEqual(PINNED);
    // The ceiling that makes the target unreachable here: the true hazard itself scores below 0.75.
    expect(figures.oracleAuc).toBeLessThan(0.75);
    expect(training.every((t) => t === "pooled")).toBe(true);
  });

  it("stores and releases aggregates only: no per-customer output, no customer id, no cell under 5 customers", async () => {
    const merchant = (await findMerchantRef(database, { slug: "msk-grocery-1" }))!;
    const [outcome] = await runMerchantModels(database, merchant.id, { kinds: ["switching"] });
    expect(outcome).toMatchObject({ kind: "switching", status: "succeeded", version: 1 });
    const [outputs] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from model_customer_outputs o join model_runs r on r.id = o.run_id where r.merchant_id = ${merchant.id} and r.kind = 'switching'`,
    );
    expect(outputs.n).toBe(0);

    // What the merchant's page, CSV and API get: the endpoint's load in the merchant's own scope.
    const access = { merchant, run: <T,>(fn: (ctx: never) => Promise<T>) => withMerchantScope(database, merchant.id, (tx) => fn({ tx, merchant } as never)) };
    const page = await ENDPOINTS.switching.load(access as never, {} as never);
    const run = page.run!;
    expect(run.params.training).toBe("pooled");
    expect(run.params.peerMerchants).toBe(19);
    expect(page.trend).toEqual([
      { asOf: run.summary.asOf, expectedShare: run.summary.expectedShare, totalRevenueAtRiskMinor: run.summary.totalRevenueAtRiskMinor, scoredCustomers: run.summary.scoredCustomers },
    ]);
    const text = JSON.stringify(page);
    expect(text).not.toMatch(/customerId|bankCustomerId|"C\d{7}"/);
    for (const cell of run.summary.segments) {
      if (cell.suppressed) expect([cell.customers, cell.expectedShare, cell.revenueAtRiskMinor]).toEqual([null, null, null]);
      else expect(cell.customers!).toBeGreaterThanOrEqual(MIN_CELL_CUSTOMERS);
    }
    // Each dimension's cells add up to the scored customers, so a lone hidden cell would be derivable: never one alone.
    for (const dimension of ["gender", "ageBand", "frequency"] as const) {
      const cells = run.summary.segments.filter((c) => c.dimension === dimension);
      expect(cells.filter((c) => c.suppressed).length).not.toBe(1);
    }
    expect(run.summary.scoredCustomers).toBeGreaterThanOrEqual(MIN_CELL_CUSTOMERS);
  });
});
