import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import {
  getCustomerValueList,
  getCustomerValueResults,
  getLatestModelRun,
  getModelRunAttempts,
  getSegmentTreeResults,
} from "@/lib/analytics/getModelResults";
import type { MerchantRef } from "@/lib/tenancy/context";
import { buildClvRun, fitCustomerValue, readRfm } from "@/lib/jobs/clv";
import { FAMILY_CONCURRENCY, MODEL_KINDS, runMerchantModels, type ModelKind } from "@/lib/jobs/runModels";
import { MODELS, MODEL_ORDER } from "@/lib/jobs/registry";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { openTestDatabase } from "../helpers/db";
import { scoped } from "./analytics-seed";
import { seedBank, type BankTx } from "./jobs-seed";

/*
 * Stored runs: versions, failures that keep the previous run, one-transaction writes, and RLS.
 * A: 30 repeat customers (CLV fits); B: 3 customers, 1 repeat (CLV must fail); C: no data (a
 * planted run that fails half-way).
 */
let database: Database;
let a: MerchantRef;
let b: MerchantRef;
let c: MerchantRef;
let bankIds: string[];
let ids: number[];

function repeatCustomers(): BankTx[] {
  const txs: BankTx[] = [];
  for (let i = 0; i < 30; i++) {
    const visits = 2 + (i % 4);
    const gap = 7 + (i % 5) * 3;
    for (let k = 0; k < visits; k++) {
      const day = new Date(Date.UTC(2024, 0, 1 + i + k * gap)).toISOString().slice(0, 10);
      txs.push(["A", i, 1000 + 100 * i + 10 * k, day]);
    }
  }
  return txs;
}

beforeAll(async () => {
  database = await openTestDatabase();
  const seeded = await seedBank(database, {
    merchants: { A: { mcc: "5411" }, B: { mcc: "5812" }, C: { mcc: "5812" } },
    customers: Array.from({ length: 33 }, (_, i) => (i % 2 === 0 ? { gender: "female", birthYear: 1980 + i } : { gender: "male", birthYear: 1960 + i })),
    txs: [
      ...repeatCustomers(),
      ["B", 30, 500, "2024-03-01"],
      ["B", 30, 700, "2024-03-20"],
      ["B", 31, 900, "2024-03-05"],
      ["B", 32, 400, "2024-04-02"],
    ],
  });
  a = seeded.merchants.A;
  b = seeded.merchants.B;
  c = seeded.merchants.C;
  bankIds = seeded.bankCustomerIds;
  ids = seeded.customerIds;
});
afterAll(async () => {
  await database?.close();
});

describe("runMerchantModels: stored runs", () => {
  it("stores a segments run as version 1, then 2, the latest returned with its period", async () => {
    const first = await runMerchantModels(database, a.id, { kinds: ["segments"] });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ kind: "segments", version: 1, status: "succeeded", customers: 0 });
    const second = await runMerchantModels(database, a.id, { kinds: ["segments"] });
    expect(second[0]).toMatchObject({ kind: "segments", version: 2, status: "succeeded" });
    const latest = await scoped(database, a, (ctx) => getSegmentTreeResults(ctx));
    expect(latest).not.toBeNull();
    expect(latest!.id).toBe(second[0].runId);
    expect(latest!.version).toBe(2);
    // As of the day after A's last data day; the period is the 12 months before it.
    const [last] = await queryRows<{ d: string }>(database.db, sql`select max(day)::text as d from merchant_daily where merchant_id = ${a.id}`);
    const asOf = new Date(Date.parse(`${last.d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(latest!.periodTo).toBe(asOf);
    expect(latest!.summary.period).toEqual({ from: `${Number(asOf.slice(0, 4)) - 1}${asOf.slice(4)}`, to: asOf });
    expect(latest!.summary.customers).toBe(30);
    expect(latest!.summary.table.reduce((s, r) => s + r.customers, 0)).toBe(30);
    const revenue = repeatCustomers().reduce((s, t) => s + t[2], 0);
    expect(latest!.summary.revenueMinor).toBe(revenue);
    expect(latest!.summary.table.reduce((s, r) => s + r.revenueMinor, 0)).toBe(revenue);
  });

  it("a failing model records a failed run; the latest succeeded run is still returned", async () => {
    const outcome = await runMerchantModels(database, a.id, {
      kinds: ["segments"],
      compute: {
        segments: async () => {
          throw new Error("planted failure");
        },
      },
    });
    expect(outcome[0]).toMatchObject({ kind: "segments", version: 3, status: "failed", error: "planted failure", customers: 0 });
    const latest = await scoped(database, a, (ctx) => getSegmentTreeResults(ctx));
    expect(latest!.version).toBe(2);
    const attempts = await scoped(database, a, (ctx) => getModelRunAttempts(ctx));
    expect(attempts.segments).toMatchObject({ version: 3, status: "failed", error: "planted failure" });
    expect(attempts.clv).toBeNull();
  });

  it("a run that does not match its contract is never written: a failed run instead, the previous run latest", async () => {
    // Runs are parsed against their kind's contract before the write (lib/runs): this planted
    // run (empty documents, outputs a segments run does not have) stops there, loudly. The write
    // failing half-way in the database is the next test.
    const outcome = await runMerchantModels(database, a.id, {
      kinds: ["segments"],
      compute: {
        segments: async () => ({
          periodFrom: "2024-01-01",
          periodTo: "2024-05-01",
          params: {},
          metrics: {},
          summary: {},
          // The same customer twice violates the primary key after the run row was inserted.
          outputs: [
            { customerId: ids[0], output: { n: 1 } },
            { customerId: ids[0], output: { n: 2 } },
          ],
        }),
      },
    });
    expect(outcome[0].status).toBe("failed");
    expect(outcome[0].version).toBe(4);
    expect(outcome[0].error).toMatch(/^the segments run does not match its contract \(format 2\): params: period: /);
    const rows = await queryRows<{ version: number; status: string; outputs: number }>(
      database.db,
      sql`select r.version, r.status, (select count(*)::int from model_customer_outputs o where o.run_id = r.id) as outputs
          from model_runs r where r.merchant_id = ${a.id} and r.kind = 'segments' order by r.version`,
    );
    expect(rows).toEqual([
      { version: 1, status: "succeeded", outputs: 0 },
      { version: 2, status: "succeeded", outputs: 0 },
      { version: 3, status: "failed", outputs: 0 },
      { version: 4, status: "failed", outputs: 0 },
    ]);
    expect((await scoped(database, a, (ctx) => getSegmentTreeResults(ctx)))!.version).toBe(2);
  });

  it("a run whose write fails half-way leaves nothing of it: a failed run instead", async () => {
    // A valid CLV run (A's own fit) whose outputs name the same customer twice: the contract
    // passes, the primary key fails after the run row was inserted, and the transaction rolls back.
    const rfm = await readRfm(database, a, "2024-06-30", "week");
    const valid = buildClvRun(rfm, "2024-07-01", new Map());
    const outcome = await runMerchantModels(database, c.id, {
      kinds: ["clv"],
      asOf: "2024-07-01",
      compute: { clv: async () => ({ ...valid, outputs: [valid.outputs[0], valid.outputs[0]] }) },
    });
    expect(outcome[0]).toMatchObject({ kind: "clv", version: 1, status: "failed", customers: 0 });
    expect(outcome[0].error).toMatch(/duplicate key|unique|model_customer_outputs/i);
    const rows = await queryRows<{ version: number; status: string; outputs: number }>(
      database.db,
      sql`select r.version, r.status, (select count(*)::int from model_customer_outputs o where o.run_id = r.id) as outputs
          from model_runs r where r.merchant_id = ${c.id} order by r.version`,
    );
    expect(rows).toEqual([{ version: 1, status: "failed", outputs: 0 }]);
    expect(await scoped(database, c, (ctx) => getCustomerValueResults(ctx))).toBeNull();
  });

  it("fails CLV with a clear reason below 20 repeat customers", async () => {
    const [clv] = await runMerchantModels(database, b.id, { kinds: ["clv"] });
    expect(clv).toMatchObject({
      kind: "clv",
      version: 1,
      status: "failed",
      error: "too few repeat customers to fit customer value: 1 (at least 20 needed)",
    });
    expect(await scoped(database, b, (ctx) => getCustomerValueResults(ctx))).toBeNull();
    const attempts = await scoped(database, b, (ctx) => getModelRunAttempts(ctx));
    expect(attempts.clv).toMatchObject({ status: "failed", periodFrom: null, periodTo: "2024-04-03" });
  });

  it("stores CLV per customer with the bank customer id, and the fit the CLI would print", async () => {
    const [clv] = await runMerchantModels(database, a.id, { kinds: ["clv"] });
    expect(clv).toMatchObject({ kind: "clv", version: 1, status: "succeeded", customers: 30 });
    const run = await scoped(database, a, (ctx) => getCustomerValueResults(ctx));
    expect(run!.id).toBe(clv.runId);
    const rfm = await readRfm(database, a, run!.params.calibrationEnd, "week");
    const fit = fitCustomerValue(rfm);
    expect(run!.metrics.mbgnbd).toMatchObject({ ...fit.mbgnbd.params, logLikelihood: fit.mbgnbd.logLikelihood });
    expect(run!.metrics.gammaGamma).toMatchObject({ ...fit.gammaGamma.params, logLikelihood: fit.gammaGamma.logLikelihood, customers: 30 });
    expect(run!.params).toEqual({
      calibrationEnd: run!.periodTo.slice(0, 8) + String(Number(run!.periodTo.slice(8)) - 1).padStart(2, "0"),
      timeUnit: "week",
      horizonMonths: 12,
      monthlyDiscountRate: 0.01,
      periodsPerMonth: 365.25 / 12 / 7,
      predictionDays: 90,
      buyAgainMonths: 12,
      minRepeatCustomers: 20,
      nextPurchase: { horizonDays: 365.25, quantiles: [0.1, 0.5, 0.9], threshold: 0.5, chanceDays: [30, 90] },
      pooling: { mode: "merchantOnly", level: null, merchants: null, withheld: null },
    });
    expect(run!.periodFrom).toBe("2024-01-01");
    expect(run!.summary.customers).toBe(30);
    expect(run!.summary.repeatCustomers).toBe(30);
    expect(run!.summary.clvHistogram.reduce((s, h) => s + h.customers, 0)).toBe(30);
    expect(run!.summary.pAliveHistogram.reduce((s, h) => s + h.customers, 0)).toBe(30);

    const list = await scoped(database, a, (ctx) => getCustomerValueList(ctx, { limit: 100 }));
    expect(list!.total).toBe(30);
    expect(list!.rows).toHaveLength(30);
    expect(list!.rows.map((r) => r.bankCustomerId).sort()).toEqual(bankIds.slice(0, 30).sort());
    for (const r of list!.rows) expect(r.bankCustomerId).toBe(bankIds[ids.indexOf(r.customerId)]);
    const clvs = list!.rows.map((r) => r.clvMinor);
    expect(clvs).toEqual([...clvs].sort((x, y) => y - x));
    expect(clvs.reduce((s, v) => s + v, 0)).toBe(run!.summary.totalClvMinor);
    expect(list!.rows.every((r) => r.pAlive > 0 && r.pAlive <= 1 && Number.isInteger(r.clvMinor))).toBe(true);
    // The chance of buying again within 12 months never exceeds P(alive), and the summary sums it.
    expect(list!.rows.every((r) => r.pBuyAgain12m >= 0 && r.pBuyAgain12m <= r.pAlive)).toBe(true);
    expect(run!.summary.buyAgainGrid.cells.map((c) => [c.frequency, c.recency, c.customers])).toEqual(
      run!.summary.pAliveGrid.cells.map((c) => [c.frequency, c.recency, c.customers]),
    );
    expect(run!.summary.expectedReturningCustomers12m).toBeCloseTo(list!.rows.reduce((s, r) => s + r.pBuyAgain12m, 0), 1);
  });

  it("RLS: a merchant's scope sees only its own runs and outputs, and never the outbox", async () => {
    const inScope = (m: MerchantRef) =>
      withMerchantScope(database, m.id, async (tx) => {
        const [runs] = await queryRows<{ n: number; others: number }>(
          tx,
          sql`select count(*)::int as n, (count(*) filter (where merchant_id <> ${m.id}))::int as others from model_runs`,
        );
        const [outputs] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from model_customer_outputs`);
        return { runs: runs.n, others: runs.others, outputs: outputs.n };
      });
    expect(await inScope(a)).toEqual({ runs: 5, others: 0, outputs: 30 });
    expect(await inScope(b)).toEqual({ runs: 1, others: 0, outputs: 0 });
    expect(await scoped(database, b, (ctx) => getLatestModelRun(ctx, "clv"))).toBeNull();
    // Even asking for A's merchant id inside B's scope returns nothing.
    expect(await scoped(database, b, (ctx) => getCustomerValueResults({ ...ctx, merchant: a }))).toBeNull();
    const denied = await withMerchantScope(database, a.id, (tx) => queryRows(tx, sql`select * from model_jobs`)).then(
      () => "allowed",
      (err: Error) => String((err.cause as Error | undefined)?.message ?? err.message),
    );
    expect(denied).toMatch(/permission denied for table model_jobs/);
  });

  it("refuses an unknown merchant, kind or as-of day", async () => {
    await expect(runMerchantModels(database, 987654)).rejects.toThrow(/unknown merchant/);
    await expect(runMerchantModels(database, a.id, { kinds: ["uplift" as never] })).rejects.toThrow(/unknown model kind/);
    await expect(runMerchantModels(database, a.id, { asOf: "2024-13-01" })).rejects.toThrow(/not a calendar day/);
  });
});

describe("runMerchantModels: families at once", () => {
  /** Runs every family of B with planted computations that log their start and end and fail. */
  async function trace(concurrency?: number) {
    const events: { kind: ModelKind; at: "start" | "end" }[] = [];
    let inFlight = 0;
    let most = 0;
    const planted = (kind: ModelKind) => async () => {
      events.push({ kind, at: "start" });
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 25));
      inFlight -= 1;
      events.push({ kind, at: "end" });
      throw new Error(`planted ${kind}`);
    };
    const compute = Object.fromEntries(MODEL_KINDS.map((kind) => [kind, planted(kind)]));
    const outcomes = await runMerchantModels(database, b.id, { compute, concurrency });
    return { events, most, outcomes };
  }
  const at = (events: { kind: ModelKind; at: string }[], kind: ModelKind, what: string) => events.findIndex((e) => e.kind === kind && e.at === what);

  it("one at a time runs MODEL_ORDER; two at once start a family only after the families it reads have stored their runs", async () => {
    const one = await trace(1);
    expect(one.most).toBe(1);
    expect(one.events.map((e) => `${e.at} ${e.kind}`)).toEqual(MODEL_ORDER.flatMap((k) => [`start ${k}`, `end ${k}`]));

    const two = await trace(2);
    expect(two.most).toBe(2);
    for (const kind of MODEL_KINDS) {
      for (const dependency of MODELS[kind].dependsOn) expect(at(two.events, kind, "start")).toBeGreaterThan(at(two.events, dependency, "end"));
    }
    // Outcomes in MODEL_ORDER whatever order the families ended in, each stored as its own failed run.
    expect(two.outcomes.map((o) => [o.kind, o.status, o.error])).toEqual(MODEL_ORDER.map((k) => [k, "failed", `planted ${k}`]));
    const versions = await queryRows<{ kind: string; n: number }>(
      database.db,
      sql`select kind, count(*)::int as n from model_runs where merchant_id = ${b.id} and error like 'planted %' group by kind order by kind`,
    );
    expect(versions).toEqual([...MODEL_KINDS].sort().map((kind) => ({ kind, n: 2 })));
  });

  it("runs as many at once as the database's default: three on PostgreSQL, one on PGlite", async () => {
    expect(FAMILY_CONCURRENCY).toEqual({ postgres: 3, pglite: 1 });
    expect((await trace()).most).toBe(FAMILY_CONCURRENCY[database.dialect]);
    await expect(runMerchantModels(database, b.id, { concurrency: 0 })).rejects.toThrow("runMerchantModels: concurrency must be a whole number ≥ 1, got 0");
  });
});
