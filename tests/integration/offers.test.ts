import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "@/db/client";
import { customers, merchantBankIds, merchants, transactions } from "@/db/schema";
import { createOffer, measureAndStoreOffer, offerDeliveryJob, offerMeasureJob, previewOfferRequest, type OfferDeliveryDocument } from "@/lib/offers";
import { measureOffer, type OfferUnit } from "@/lib/offers/measure";
import { getOffer, listOffers } from "@/lib/offers/queries";
import { refreshRollups } from "@/lib/rollups";
import { DEFAULT_OFFER_SIMULATION, plantedOfferTruth, simulateOfferAudience, simulateOfferOutcome, type SimulatedOfferCustomer } from "@/lib/synthetic/offers";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { loadSyntheticOfferOutcome } from "../../scripts/cli/offers";
import { openTestDatabase, TEST_DIALECT, uniqueSlug } from "../helpers/db";

/*
 * An offer end to end on a planted audience (lib/synthetic/offers.ts): the merchant's customers
 * and their 180 pre-period days are the simulated audience's, the offer is created (frozen
 * assignment), delivered (files), the window's purchases are the planted outcome of each
 * customer's frozen arm, and the measurement read from the database must equal the pure
 * measurement of the same simulated figures, and cover the planted truth.
 */

const START = "2024-07-01";
const END = "2024-07-29";
const CONFIG = { ...DEFAULT_OFFER_SIMULATION, customers: 1500, seed: 16_016 };

let database: Database;
let dir: string;
let merchant: MerchantRef;
let audience: SimulatedOfferCustomer[];
const bankIdOf = new Map<number, number>(); // audience index -> customers.id

function dayOf(offset: number): string {
  return new Date(Date.parse(`${START}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

async function insertPurchases(rows: { customer: number; day: string; amount: number; id: string }[]) {
  for (let s = 0; s < rows.length; s += 4000) {
    await database.db.insert(transactions).values(
      rows.slice(s, s + 4000).map((r) => ({
        bankTransactionId: r.id,
        merchantId: merchant.id,
        customerId: r.customer,
        amountMinor: r.amount,
        currency: "RUB",
        occurredAt: new Date(`${r.day}T12:00:00Z`),
        localDate: r.day,
        localHour: 12,
        channel: "offline",
        kind: "purchase",
      })),
    );
  }
  const days = [...new Set(rows.map((r) => r.day))];
  await database.db.transaction((t) => refreshRollups(t, merchant.id, days));
}

const cashback = (amounts: number[]) => Math.min(100_000, amounts.reduce((s, a) => s + Math.floor((a * 500) / 10_000), 0));

const OFFER = {
  name: "Summer 5 % cashback",
  audience: { kind: "all" },
  terms: { kind: "cashback", rateBp: 500, capMinor: 100_000 },
  startsOn: START,
  endsOn: END,
  budgetMinor: 1_000_000_000,
  primaryMetric: "revenue",
  seed: 42,
} as const;

beforeAll(async () => {
  database = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "offers-test-"));
  process.env.OFFER_DELIVERY_DIR = dir;
  const slug = uniqueSlug("o");
  const [m] = await database.db.insert(merchants).values({ slug, name: "Planted grocer", mcc: "5411", timeZone: "UTC", currency: "RUB" }).returning();
  merchant = { id: m.id, slug, name: m.name, mcc: m.mcc, currency: "RUB", timeZone: "UTC" };
  await database.db.insert(merchantBankIds).values({ bankMerchantId: `${slug}-T1`, merchantId: m.id });
  audience = simulateOfferAudience(CONFIG);
  const cs = await database.db
    .insert(customers)
    .values(audience.map((c) => ({ bankCustomerId: `${slug}-C${c.index}` })))
    .returning({ id: customers.id });
  audience.forEach((c, i) => bankIdOf.set(c.index, cs[i].id));
  await insertPurchases(audience.flatMap((c) => c.pre.map((p, k) => ({ customer: bankIdOf.get(c.index)!, day: dayOf(p.day), amount: p.amountMinor, id: `${slug}-p${c.index}-${k}` }))));
}, 300_000);
afterAll(async () => {
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.OFFER_DELIVERY_DIR;
});

async function counts() {
  const [r] = await queryRows<{ o: number; a: number }>(database.db, sql`select (select count(*)::int from offers) as o, (select count(*)::int from offer_assignments) as a`);
  return r;
}

describe(`offers on a planted audience (${TEST_DIALECT})`, () => {
  let offerId: number;

  it("refuses bad requests and writes nothing", async () => {
    const before = await counts();
    await expect(createOffer(database, merchant.id, { ...OFFER, endsOn: START })).rejects.toMatchObject({ code: "invalid_offer" });
    await expect(createOffer(database, merchant.id, { ...OFFER, terms: { kind: "cashback", capMinor: 100 } })).rejects.toMatchObject({ code: "invalid_offer" });
    await expect(createOffer(database, merchant.id, { ...OFFER, startsOn: "2024-06-01", endsOn: "2024-06-20" })).rejects.toThrow(/after the last day with data/);
    await expect(createOffer(database, merchant.id, { ...OFFER, budgetMinor: 1000 })).rejects.toThrow(/budget/);
    await expect(createOffer(database, merchant.id, { ...OFFER, audience: { kind: "regulars", minPurchases: 1000 } })).rejects.toMatchObject({ code: "audience_too_small" });
    expect(await counts()).toEqual(before);
  });

  it("previews aggregates and creates the offer with a frozen stratified assignment and a queued delivery", async () => {
    const preview = await previewOfferRequest(database, merchant.id, OFFER);
    const buyers = audience.filter((c) => c.pre.length > 0);
    expect(preview.audienceSize).toBe(buyers.length);
    expect(preview.priorSource).toBe("default");
    expect(preview.planner.map((p) => p.holdout)).toEqual([0.1, 0.15, 0.2]);
    const created = await createOffer(database, merchant.id, OFFER);
    offerId = created.offerId;
    expect(created.audienceSize).toBe(buyers.length);
    expect(created.arms.holdout).toBe(Math.round(buyers.length * 0.15));
    expect(created.arms.a + created.arms.holdout).toBe(buyers.length);
    const jobs = await queryRows<{ key: string }>(database.db, sql`select singleton_key as key from pgboss.job where name = 'offer-delivery'`);
    expect(jobs.map((j) => j.key)).toEqual([String(offerId)]);
    // The same seed and audience give the same assignment (frozen: stored, and reproducible).
    const arms = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from offer_assignments where offer_id = ${offerId} and arm = 0`);
    expect(arms[0].n).toBe(created.arms.holdout);
  });

  it("the merchant reads its offer but never the assignment, the delivery or the effects", async () => {
    const list = await withMerchantScope(database, merchant.id, (tx) => listOffers({ tx, merchant }));
    expect(list.map((o) => [o.id, o.status])).toEqual([[offerId, "assigned"]]);
    for (const table of ["offer_assignments", "offer_deliveries", "offer_effects"]) {
      const err = await withMerchantScope(database, merchant.id, (tx) => tx.execute(sql.raw(`select count(*) from ${table}`))).then(
        () => null,
        (e: unknown) => e as Error & { cause?: Error },
      );
      expect(`${err?.message} ${err?.cause?.message}`).toMatch(/permission denied/);
    }
  });

  it("delivers the treatment list as JSON and CSV once, with bank customer ids and terms", async () => {
    const out = (await offerDeliveryJob(database, { offerId })) as { treated: number; jsonPath: string; csvPath: string };
    const doc = JSON.parse(fs.readFileSync(out.jsonPath, "utf8")) as OfferDeliveryDocument;
    expect(doc.format).toBe("offer-delivery/1");
    expect(doc.window).toEqual({ startsOn: START, endsOnExclusive: END });
    expect(doc.variants.A).toEqual({ kind: "cashback", rateBp: 500, bonusMinor: null, capMinor: 100_000 });
    expect(doc.merchant.bankMerchantIds).toEqual([`${merchant.slug}-T1`]);
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from offer_assignments where offer_id = ${offerId} and arm = 1`);
    expect(doc.customers).toHaveLength(n);
    const csv = fs.readFileSync(out.csvPath, "utf8").trim().split("\r\n");
    expect(csv[0]).toBe("offer_id,bank_customer_id,variant,kind,rate_bp,bonus_minor,cap_minor,currency,starts_on,ends_on_exclusive");
    expect(csv).toHaveLength(n + 1);
    expect(await offerDeliveryJob(database, { offerId })).toEqual({ skipped: true });
    const offer = await withMerchantScope(database, merchant.id, (tx) => getOffer({ tx, merchant }, offerId));
    expect(offer!.timeline.map((s) => s.status)).toEqual(["assigned", "delivered"]);
  });

  it("measures from the bank's transactions exactly as the pure measurement of the same figures, and covers the planted truth", async () => {
    const arms = new Map((await queryRows<{ customer_id: number; arm: number; stratum: string }>(database.db, sql`select customer_id, arm, stratum from offer_assignments where offer_id = ${offerId}`)).map((r) => [Number(r.customer_id), r]));
    const windowRows: { customer: number; day: string; amount: number; id: string }[] = [];
    const units: OfferUnit[] = [];
    for (const c of audience) {
      const id = bankIdOf.get(c.index)!;
      const a = arms.get(id);
      if (!a) continue;
      const window = simulateOfferOutcome(CONFIG, c, a.arm !== 0);
      window.forEach((p, k) => windowRows.push({ customer: id, day: dayOf(p.day), amount: p.amountMinor, id: `${merchant.slug}-w${c.index}-${k}` }));
      const sum = (list: { amountMinor: number }[]) => list.reduce((s, p) => s + p.amountMinor, 0);
      units.push({
        customerId: id,
        arm: a.arm as 0 | 1,
        stratum: a.stratum,
        preRevenueMinor: sum(c.pre),
        preVisits: c.pre.length,
        revenueMinor: sum(window),
        visits: window.length,
        cashbackMinor: a.arm === 0 ? 0 : cashback(window.map((p) => p.amountMinor)),
      });
    }
    await insertPurchases(windowRows);
    // The window has ended long ago (2024): the scheduled job measures every due offer.
    // No merchant of this database has a churn run: no win-back curve to recompute (`learned`).
    expect(await offerMeasureJob(database, {})).toEqual({ measured: [offerId], learned: [] });
    expect(await offerMeasureJob(database, { offerId })).toEqual({ measured: [], learned: [] });
    const offer = await withMerchantScope(database, merchant.id, (tx) => getOffer({ tx, merchant }, offerId));
    expect(offer!.status).toBe("measured");
    const v = offer!.result!.variants[0];
    const expected = measureOffer(units.sort((x, y) => x.customerId - y.customerId)).variants[0];
    expect(v.costMinor).toBe(expected.costMinor);
    expect(v.treatment).toBe(expected.treatment);
    expect(v.revenue.perCustomer).toBeCloseTo(expected.revenue.perCustomer, 6);
    expect(v.revenue.perCustomerCi.lower).toBeCloseTo(expected.revenue.perCustomerCi.lower, 6);
    expect(v.visits.perCustomer).toBeCloseTo(expected.visits.perCustomer, 9);
    expect(v.roi!.estimate).toBeCloseTo(expected.roi!.estimate, 9);
    const truth = plantedOfferTruth(CONFIG).overall;
    expect(v.revenue.perCustomerCi.lower).toBeLessThan(truth.revenueMinor);
    expect(v.revenue.perCustomerCi.upper).toBeGreaterThan(truth.revenueMinor);
    expect(v.revenue.narrowing).toBeGreaterThan(1.25);
    // The bank's table: one row per treated customer.
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from offer_effects e join offer_results r on r.id = e.result_id where r.offer_id = ${offerId}`);
    expect(n).toBe(v.treatment);
  }, 120_000);

  it("a second offer learns its prior from the first, and the CLI's synthetic outcome loads through ingest", async () => {
    const preview = await previewOfferRequest(database, merchant.id, { ...OFFER, startsOn: "2024-08-05", endsOn: "2024-09-02" });
    expect(preview.priorSource).toBe("history");
    const created = await createOffer(database, merchant.id, { ...OFFER, name: "Bonus", terms: { kind: "bonus", bonusMinor: 20_000, capMinor: 20_000 }, startsOn: "2024-08-05", endsOn: "2024-09-02" });
    await offerDeliveryJob(database, { offerId: created.offerId });
    const loaded = await loadSyntheticOfferOutcome(database, created.offerId);
    expect(loaded).toBeGreaterThan(0);
    const stored = await measureAndStoreOffer(database, created.offerId);
    expect(stored).toMatchObject({ status: "succeeded", error: null });
    const offer = await withMerchantScope(database, merchant.id, (tx) => getOffer({ tx, merchant }, created.offerId));
    const v = offer!.result!.variants[0];
    // A bonus is paid once per treated customer who bought in the window, capped.
    const [{ buyers }] = await queryRows<{ buyers: number }>(
      database.db,
      sql`select count(distinct t.customer_id)::int as buyers from transactions t join offer_assignments a on a.customer_id = t.customer_id and a.offer_id = ${created.offerId} and a.arm = 1
          where t.merchant_id = ${merchant.id} and t.local_date >= '2024-08-05' and t.local_date < '2024-09-02'`,
    );
    expect(v.costMinor).toBe(buyers * 20_000);
  }, 120_000);
});
