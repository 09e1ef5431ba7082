import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { rocAuc } from "@/lib/models/classificationMetrics";
import { addDays } from "@/lib/days";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { findMerchantRef, getBankCustomerIds } from "@/lib/jobs/store";
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

describe("competitor-leaving forecast on the synthetic bank", () => {
  it("recovers the planted switching of the grocery merchants (AUC, precision, recall against switch_events)", async () => {
    const events = readSwitchEvents();
    const merchants = await queryRows<{ id: number; slug: string }>(database.db, sql`select id, slug from merchants where mcc = '5411' order by id`);
    const cache: SwitchPoolCache = new Map();
    const y: number[] = [];
    const p: number[] = [];
    const yData: number[] = [];
    const report: Record<string, unknown>[] = [];
    for (const m of merchants) {
      const merchant = (await findMerchantRef(database, { id: m.id }))!;
      const bankMerchantIds = new Set((await queryRows<{ b: string }>(database.db, sql`select bank_merchant_id as b from merchant_bank_ids where merchant_id = ${m.id}`)).map((r) => r.b));
      const bankIds = await getBankCustomerIds(database, m.id);
      const [{ last }] = await queryRows<{ last: string }>(database.db, sql`select max(day)::text as last from merchant_daily where merchant_id = ${m.id}`);
      const asOf = addDays(last, 1);
      let result;
      try {
        result = await computeSwitchRunWithHoldout(database, merchant, asOf, cache);
      } catch (err) {
        report.push({ slug: m.slug, error: (err as Error).message });
        continue;
      }
      const { run, holdout } = result;
      const c2 = run.params.validationCutoff;
      const end = addDays(c2, run.params.horizonDays);
      const truth = new Set(events.filter((e) => bankMerchantIds.has(e.from) && e.date >= c2 && e.date < end).map((e) => e.customer));
      holdout.customerIds.forEach((id, i) => {
        y.push(truth.has(bankIds.get(id)!) ? 1 : 0);
        p.push(holdout.pSwitch[i]);
        yData.push(holdout.switched[i]);
      });
      report.push({ slug: m.slug, training: run.params.training, auc: run.metrics.rocAuc, n: holdout.customerIds.length, truth: holdout.customerIds.filter((id) => truth.has(bankIds.get(id)!)).length, share: run.summary.expectedShare });
    }
    const k = Math.round(p.reduce((s, v) => s + v, 0));
    const order = p.map((v, i) => i).sort((a, b) => p[b] - p[a] || a - b);
    const flagged = new Set(order.slice(0, k));
    const tp = y.filter((v, i) => v === 1 && flagged.has(i)).length;
    const positives = y.reduce((s, v) => s + v, 0);
    const dataTp = y.filter((v, i) => v === 1 && yData[i] === 1).length;
    const dataPos = yData.reduce((s, v) => s + v, 0);
    console.log(JSON.stringify({ report, rows: y.length, positives, k, auc: rocAuc(y, p), precision: tp / k, recall: tp / positives, labelPrecision: dataTp / dataPos, labelRecall: dataTp / positives }, null, 1));
    expect(rocAuc(y, p)).toBeGreaterThanOrEqual(0.75);
  });
});
