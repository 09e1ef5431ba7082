import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import {
  customerRow,
  generateBank,
  merchantRow,
  planBank,
  readWrittenBank,
  transactionRow,
  writeBank,
  type BankPlan,
  type BankRecord,
  type BankSummary,
  type CustomerTruth,
  type MerchantTruth,
  type RelationshipTruth,
  type SwitchEvent,
  type SyntheticCustomer,
  type SyntheticTransaction,
} from "@/lib/synthetic";
import { CITIES, MCCS, SWITCHING } from "@/lib/synthetic/model";
import { normalise } from "@/lib/synthetic/customer";

interface Bank {
  plan: BankPlan;
  merchants: MerchantTruth[];
  customers: SyntheticCustomer[];
  truths: CustomerTruth[];
  relationships: RelationshipTruth[];
  switches: SwitchEvent[];
  transactions: SyntheticTransaction[];
  summary: BankSummary;
}

function collect(records: Iterable<BankRecord>): Bank {
  const bank = { merchants: [], customers: [], truths: [], relationships: [], switches: [], transactions: [] } as unknown as Bank;
  for (const r of records) {
    if (r.type === "merchant") bank.merchants.push(r.merchant);
    else if (r.type === "customer") {
      bank.customers.push(r.customer);
      bank.truths.push(r.truth);
      bank.relationships.push(...r.relationships);
      bank.switches.push(...r.switches);
    } else if (r.type === "transaction") bank.transactions.push(r.transaction);
    else {
      bank.plan = r.plan;
      bank.summary = r.summary;
    }
  }
  return bank;
}

function firstRows(config: Parameters<typeof generateBank>[0], n: number): string[] {
  const rows: string[] = [];
  for (const r of generateBank(config)) {
    if (r.type === "transaction") rows.push(transactionRow(r.transaction));
    if (rows.length === n) break;
  }
  return rows;
}

function hashOf(bank: Bank): string {
  const h = createHash("sha256");
  for (const m of bank.merchants) h.update(merchantRow(m));
  for (const c of bank.customers) h.update(customerRow(c));
  for (const t of bank.transactions) h.update(transactionRow(t));
  return h.digest("hex");
}

const SMALL = { customers: 2_000 };
let bank: Bank;
let byId: Map<string, SyntheticTransaction>;
let merchantById: Map<string, MerchantTruth>;

beforeAll(() => {
  bank = collect(generateBank(SMALL));
  byId = new Map(bank.transactions.map((t) => [t.transactionId, t]));
  merchantById = new Map(bank.merchants.map((m) => [m.bankMerchantId, m]));
});

describe("synthetic bank: determinism", () => {
  it("gives identical rows and hash for the same seed, different ones for another seed", () => {
    const again = collect(generateBank(SMALL));
    expect(hashOf(again)).toBe(hashOf(bank));
    expect(again.summary).toEqual(bank.summary);
    const first = bank.transactions.slice(0, 500).map(transactionRow);
    expect(firstRows(SMALL, 500)).toEqual(first);
    const other = firstRows({ ...SMALL, seed: 43 }, 500);
    expect(other).not.toEqual(first);
    expect(other.filter((row, i) => row === first[i]).length).toBe(0);
  });

  it("is pinned: seed 42's tiny bank has these exact first rows and totals (update only on purpose, with GENERATOR_VERSION)", () => {
    const tiny = collect(generateBank({ customers: 300 }));
    expect(tiny.transactions.slice(0, 3).map(transactionRow)).toEqual(GOLDEN_FIRST_ROWS);
    expect({
      kappa: tiny.plan.kappa,
      transactions: tiny.summary.transactions,
      refunds: tiny.summary.refunds,
      switches: tiny.summary.switches,
      purchaseMinor: tiny.summary.purchaseMinor,
    }).toEqual(GOLDEN_TOTALS);
  });
});

describe("synthetic bank: shape", () => {
  it("has >= 30 merchants in >= 6 MCCs and >= 3 regions, with peer groups both >= 5 and < 5", () => {
    expect(bank.merchants.length).toBeGreaterThanOrEqual(30);
    expect(new Set(bank.merchants.map((m) => m.mcc)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(bank.merchants.map((m) => m.region)).size).toBeGreaterThanOrEqual(3);
    expect(bank.merchants.length).toBe(63);
    const sizes = new Map<string, number>();
    for (const m of bank.merchants) sizes.set(`${m.mcc}|${m.region}`, (sizes.get(`${m.mcc}|${m.region}`) ?? 0) + 1);
    expect([...sizes.entries()].filter(([, n]) => n >= 5).map(([k]) => k).sort()).toEqual([
      "5411|Moscow",
      "5411|Saint Petersburg",
      "5812|Moscow",
      "5814|Moscow",
    ]);
    expect([...sizes.values()].filter((n) => n < 5).length).toBeGreaterThan(10);
    expect(new Set(bank.merchants.map((m) => m.slug)).size).toBe(63);
    expect(bank.merchants.every((m) => /^[a-z]{3}-[a-z]+-\d+$/.test(m.slug) && /^BM\d{6}$/.test(m.bankMerchantId))).toBe(true);
  });

  it("writes merchant rows that a CSV parser reads back as the 9 canonical fields", () => {
    const rows = parse(bank.merchants.map(merchantRow).join("")) as string[][];
    expect(rows[0]).toEqual(["BM000101", "msk-grocery-1", "Свежий ряд, Москва", "5411", "Moscow", "Moscow", "RU", "Europe/Moscow", "RUB"]);
    expect(rows.every((r) => r.length === 9)).toBe(true);
  });

  it("has the configured customers with demographics, 2-6 % unknown per attribute", () => {
    expect(bank.customers.length).toBe(2_000);
    expect(bank.customers[0].customerId).toBe("C0000001");
    expect(bank.customers[1999].customerId).toBe("C0002000");
    const keys = ["gender", "birthYear", "maritalStatus", "isPayroll", "isCorporate", "isPremium", "region"] as const;
    for (const key of keys) {
      const missing = bank.customers.filter((c) => c[key] === null).length / bank.customers.length;
      expect(missing, key).toBeGreaterThan(0.015);
      expect(missing, key).toBeLessThan(0.06);
    }
    // The visible value, when present, is the true one.
    bank.customers.forEach((c, i) => {
      const t = bank.truths[i];
      if (c.gender !== null) expect(c.gender).toBe(t.gender);
      if (c.region !== null) expect(c.region).toBe(t.region);
      if (c.birthYear !== null) expect(c.birthYear).toBe(2026 - t.age);
    });
    expect(new Set(bank.truths.map((t) => t.region)).size).toBe(CITIES.length);
  });

  it("calibrates κ past the 4,000-customer pilot so the bank-wide expectation meets the target (within 0.5 %)", () => {
    const plan = planBank({ customers: 4_500, targetTransactions: 150_000 });
    expect(plan.calibration!.pilotCustomers).toBe(4_000);
    expect(Math.abs(plan.calibration!.expectedTransactions / 150_000 - 1)).toBeLessThan(0.005);
    expect(planBank({ customers: 300, kappa: 0.5 }).calibration).toBeNull();
  });

  it("lands near the target (80,000 transactions) with 0.5-2 % refunds", () => {
    expect(Math.abs(bank.summary.transactions / 80_000 - 1)).toBeLessThan(0.03);
    expect(bank.summary.transactions).toBe(bank.transactions.length);
    const refundShare = bank.summary.refunds / bank.summary.transactions;
    expect(refundShare).toBeGreaterThan(0.005);
    expect(refundShare).toBeLessThan(0.02);
  });
});

describe("synthetic bank: transactions are valid input", () => {
  it("has unique ids, positive integer amounts, RUB, channels and kinds of the format", () => {
    expect(byId.size).toBe(bank.transactions.length);
    const bad = bank.transactions.filter(
      (t) =>
        !(Number.isInteger(t.amountMinor) && t.amountMinor > 0) ||
        t.currency !== "RUB" ||
        (t.channel !== "online" && t.channel !== "offline") ||
        !(t.kind === "purchase" ? /^T\d{12}$/ : /^R\d{12}$/).test(t.transactionId),
    );
    expect(bad).toEqual([]);
    expect(bank.transactions.filter((t) => t.channel === "online").length).toBeGreaterThan(0);
  });

  it("writes local times in the window with the merchant's zone offset", () => {
    const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})([+-]\d{2}:\d{2})$/;
    const bad = bank.transactions.filter((t) => {
      const m = iso.exec(t.occurredAt);
      return (
        m === null ||
        m[5] !== merchantById.get(t.merchantId)!.utcOffset ||
        m[1] < "2024-11-01" ||
        m[1] > "2026-10-31" ||
        m[1] !== bank.plan.calendar.date(t.day) ||
        Number(m[2]) > 23 ||
        Number(m[3]) > 59 ||
        Number(m[4]) > 59
      );
    });
    expect(bad).toEqual([]);
    const offsets = new Set(bank.transactions.map((t) => t.occurredAt.slice(19)));
    expect([...offsets].sort()).toEqual(["+03:00", "+05:00", "+07:00"]);
  });

  it("refunds reverse an earlier purchase of the same customer at the same merchant, for at most its amount", () => {
    const refunds = bank.transactions.filter((t) => t.kind === "refund");
    expect(refunds.length).toBeGreaterThan(0);
    for (const r of refunds) {
      expect(r.refundOf).toBe(`T${r.transactionId.slice(1)}`);
      const p = byId.get(r.refundOf!)!;
      expect(p.kind).toBe("purchase");
      expect(p.customerId).toBe(r.customerId);
      expect(p.merchantId).toBe(r.merchantId);
      expect(r.day).toBeGreaterThan(p.day);
      expect(r.amountMinor).toBeLessThanOrEqual(p.amountMinor);
    }
    expect(refunds.filter((r) => r.amountMinor === byId.get(r.refundOf!)!.amountMinor).length / refunds.length).toBeGreaterThan(0.6);
  });

  it("lists each customer's transactions in local-time order and only at merchants of his region", () => {
    const regionOf = new Map(bank.truths.map((t) => [t.customerId, t.region]));
    const wrongRegion = bank.transactions.filter((t) => merchantById.get(t.merchantId)!.region !== regionOf.get(t.customerId));
    expect(wrongRegion).toEqual([]);
    const outOfOrder = bank.transactions.filter((t, i) => {
      const prev = bank.transactions[i - 1];
      return prev && prev.customerId === t.customerId && `${prev.day}`.padStart(4, "0") + prev.occurredAt.slice(11, 19) > `${t.day}`.padStart(4, "0") + t.occurredAt.slice(11, 19);
    });
    expect(outOfOrder).toEqual([]);
  });
});

describe("synthetic bank: planted behaviour is visible", () => {
  it("records λ0 whose mean per MCC matches r/α within 4 standard errors (Gamma heterogeneity)", () => {
    for (const p of MCCS) {
      const xs = bank.relationships.filter((r) => r.mcc === p.mcc).map((r) => r.lambda0);
      if (xs.length < 100) continue;
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(p.r) / p.alpha;
      expect(Math.abs(mean - p.r / p.alpha), p.mcc).toBeLessThan((4 * sd) / Math.sqrt(xs.length));
      for (const r of bank.relationships.filter((r) => r.mcc === p.mcc)) {
        expect(r.lambda).toBeCloseTo(r.lambda0 * bank.plan.kappa, 12);
      }
    }
  });

  it("has overdispersed purchase counts per customer and MCC (variance > mean, as under NBD)", () => {
    for (const mcc of ["5411", "5814", "5812"]) {
      const counts = bank.relationships.filter((r) => r.mcc === mcc && r.startDay < 0).map((r) => r.purchases);
      const mean = counts.reduce((s, x) => s + x, 0) / counts.length;
      const variance = counts.reduce((s, x) => s + (x - mean) ** 2, 0) / (counts.length - 1);
      expect(variance / mean, mcc).toBeGreaterThan(3);
    }
  });

  it("shows the planted day-of-week multipliers in the purchases' local days (within 4 standard errors)", () => {
    const cal = bank.plan.calendar;
    // Saturday (5) against Tuesday (1): planted 1.356 for grocery, 1.688 for restaurants.
    for (const mcc of ["5411", "5812"]) {
      const counts = new Array(7).fill(0);
      for (const t of bank.transactions) {
        if (t.kind === "purchase" && merchantById.get(t.merchantId)!.mcc === mcc) counts[cal.dayOfWeek[t.day + cal.burnIn]] += 1;
      }
      const weekly = normalise(MCCS.find((p) => p.mcc === mcc)!.weekly);
      const planted = weekly[5] / weekly[1];
      // Relative standard error of a ratio of two Poisson counts: sqrt(1/x + 1/y).
      const tolerance = 4 * Math.sqrt(1 / counts[5] + 1 / counts[1]);
      expect(Math.abs(counts[5] / counts[1] / planted - 1), mcc).toBeLessThan(tolerance);
      expect(tolerance, mcc).toBeLessThan(Math.abs(1 / planted - 1));
    }
  });

  it("shows the planted December peak (grocery month multiplier 1.35 plus New Year days)", () => {
    const cal = bank.plan.calendar;
    const byMonth = new Array(12).fill(0);
    for (const t of bank.transactions) if (t.kind === "purchase") byMonth[cal.month[t.day + cal.burnIn]] += 1;
    const others = (byMonth.reduce((s, x) => s + x, 0) - byMonth[11]) / 11;
    expect(byMonth[11] / others).toBeGreaterThan(1.25);
    expect(byMonth[11] / others).toBeLessThan(1.6);
  });

  it("puts restaurant visits at lunch and dinner as the hour profile says (within 2 points)", () => {
    const profile = MCCS.find((p) => p.mcc === "5812")!.hourly;
    const peak = (h: number) => (h >= 12 && h < 15) || (h >= 18 && h < 22);
    const planted = profile.reduce((s, w, h) => s + (peak(h) ? w : 0), 0) / profile.reduce((s, w) => s + w, 0);
    const hours = bank.transactions
      .filter((t) => t.kind === "purchase" && t.channel === "offline" && merchantById.get(t.merchantId)!.mcc === "5812")
      .map((t) => Number(t.occurredAt.slice(11, 13)));
    const observed = hours.filter(peak).length / hours.length;
    expect(Math.abs(observed - planted)).toBeLessThan(0.02);
  });

  it("records switching events that change where the customer buys", () => {
    expect(bank.switches.length).toBeGreaterThan(200);
    expect(bank.switches.length).toBe(bank.summary.switches);
    expect(bank.relationships.reduce((s, r) => s + r.switches, 0)).toBe(bank.switches.length);
    for (const s of bank.switches) {
      const from = merchantById.get(s.from)!;
      const to = merchantById.get(s.to)!;
      expect(s.from).not.toBe(s.to);
      expect([from.mcc, to.mcc]).toEqual([s.mcc, s.mcc]);
      expect(from.region).toBe(to.region);
      expect(bank.plan.calendar.date(s.day).endsWith("-01")).toBe(true);
    }
    // Relationships with one switch: the new favourite's share of purchases jumps after the switch.
    const byCustomer = new Map<string, SyntheticTransaction[]>();
    for (const t of bank.transactions) {
      if (t.kind !== "purchase") continue;
      const list = byCustomer.get(t.customerId);
      if (list) list.push(t);
      else byCustomer.set(t.customerId, [t]);
    }
    let before = 0;
    let beforeAtNew = 0;
    let after = 0;
    let afterAtNew = 0;
    const single = bank.switches.filter(
      (s) => bank.relationships.find((r) => r.customerId === s.customerId && r.mcc === s.mcc)!.switches === 1,
    );
    for (const s of single) {
      for (const t of byCustomer.get(s.customerId) ?? []) {
        if (merchantById.get(t.merchantId)!.mcc !== s.mcc) continue;
        if (t.day < s.day - SWITCHING.driftDays) {
          before += 1;
          if (t.merchantId === s.to) beforeAtNew += 1;
        } else if (t.day >= s.day) {
          after += 1;
          if (t.merchantId === s.to) afterAtNew += 1;
        }
      }
    }
    expect(beforeAtNew / before).toBeLessThan(0.25);
    expect(afterAtNew / after).toBeGreaterThan(0.6);
  });

  it("makes customers with higher competitor attraction cross-shop and drop out more (planted churn driver)", () => {
    const rels = bank.relationships.filter((r) => r.mcc === "5411" && r.purchases > 0);
    const low = rels.filter((r) => r.attraction < 0.2);
    const high = rels.filter((r) => r.attraction > 0.4);
    const dropRate = (xs: RelationshipTruth[]) => xs.filter((r) => r.dropoutDay !== null).length / xs.length;
    expect(dropRate(high)).toBeGreaterThan(dropRate(low) + 0.05);
    const crossShopped = (xs: RelationshipTruth[]) => {
      const ids = new Set(xs.map((r) => r.customerId));
      const buys = bank.transactions.filter(
        (t) => t.kind === "purchase" && ids.has(t.customerId) && merchantById.get(t.merchantId)!.mcc === "5411" && merchantById.get(t.merchantId)!.peerGroupSize > 1,
      );
      const fav = new Map(xs.map((r) => [r.customerId, r.favouriteAtStart]));
      return buys.filter((t) => t.merchantId !== fav.get(t.customerId)).length / buys.length;
    };
    expect(crossShopped(high)).toBeGreaterThan(crossShopped(low) + 0.15);
    const meanP = (xs: RelationshipTruth[]) => xs.reduce((s, r) => s + r.p, 0) / xs.length;
    expect(meanP(high)).toBeGreaterThan(1.5 * meanP(low));
  });
});

describe("synthetic bank: files", () => {
  it("writes the canonical files and recognises them on the next run", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synthetic-"));
    try {
      const written = await writeBank(dir, { customers: 200 });
      expect(fs.readFileSync(path.join(dir, "merchants.csv"), "utf8").split("\n")[0]).toBe(
        "bank_merchant_id,slug,name,mcc,city,region,country,time_zone,currency",
      );
      expect(written.files.merchants.rows).toBe(63);
      expect(written.files.customers.rows).toBe(200);
      expect(written.files.transactions.rows).toBe(written.summary.transactions);
      const truths = JSON.parse(fs.readFileSync(path.join(dir, "truths.json"), "utf8"));
      expect(truths.summary.transactions).toBe(written.summary.transactions);
      expect(truths.files.configHash).toBe(written.configHash);
      expect(truths.window).toMatchObject({ start: "2024-11-01", endExclusive: "2026-11-01", days: 730 });
      const realised = truths.bgnbd.byMcc.map((m: { realised: { relationships: number } }) => m.realised.relationships);
      expect(realised.reduce((s: number, n: number) => s + n, 0)).toBe(written.summary.relationships);
      expect(truths.merchants.length).toBe(63);
      expect(truths.churnDrivers.coefficients.payroll.beta).toBeLessThan(0);
      expect(readWrittenBank(dir, { customers: 200 })?.files).toEqual(written.files);
      expect(readWrittenBank(dir, { customers: 201 })).toBeNull();
      expect(readWrittenBank(dir, { customers: 200, seed: 1 })).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Seed 42, 300 customers. A deliberate model change updates these and bumps GENERATOR_VERSION.
const GOLDEN_FIRST_ROWS: string[] = [
  "T000000100001,BM000138,C0000001,73357,RUB,2025-01-15T21:50:55+03:00,online,purchase\n",
  "T000000100002,BM000144,C0000001,155771,RUB,2025-04-21T09:12:48+03:00,offline,purchase\n",
  "T000000100003,BM000144,C0000001,508437,RUB,2025-05-30T08:28:42+03:00,online,purchase\n",
];
const GOLDEN_TOTALS = { kappa: 0.684054, transactions: 12007, refunds: 158, switches: 142, purchaseMinor: 1819713073 };
