import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { getModelRunAttempts, readModelResults } from "@/lib/analytics/getModelResults";
import { enqueueModelJobs, listModelJobs, requestModelRefit } from "@/lib/jobs/outbox";
import { loadModelRunPage, outboxRefitRequester, type ModelRunScope } from "@/lib/jobs/refit";
import { runPendingModelJobs } from "@/lib/jobs/runModels";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { openTestDatabase } from "../helpers/db";
import { scoped } from "./analytics-seed";
import { seedBank } from "./jobs-seed";

/*
 * Stored runs of an older contract format (or that no longer parse) are "refit needed": the page
 * gets no run and an attempt marked refitNeeded, and the kind is queued for the merchant in the
 * model-job outbox, on PGlite and PostgreSQL.
 */
let database: Database;
let m: MerchantRef;
let n: MerchantRef;

const scopeOf = (merchant: MerchantRef): ModelRunScope => ({
  merchant,
  run: (fn) => withMerchantScope(database, merchant.id, (tx) => fn({ tx, merchant })),
});

/** Inserts a succeeded run as an older release stored it. */
async function storeRaw(merchant: MerchantRef, kind: string, version: number, format: number, summary: unknown) {
  const [row] = await queryRows<{ id: number }>(
    database.db,
    sql`insert into model_runs (merchant_id, kind, version, format, status, period_from, period_to, params, metrics, summary, started_at)
        values (${merchant.id}, ${kind}, ${version}, ${format}, 'succeeded', '2024-01-01', '2024-06-01', '{}'::jsonb, '{}'::jsonb,
                ${JSON.stringify(summary)}::jsonb, now())
        returning id`,
  );
  return row.id;
}

const pending = async () => (await listModelJobs(database.db)).map((j) => ({ merchantId: j.merchantId, reason: j.reason, kinds: j.kinds }));

beforeAll(async () => {
  database = await openTestDatabase();
  const seeded = await seedBank(database, {
    merchants: { M: { mcc: "5411" }, N: { mcc: "5411" } },
    customers: [{ gender: "female" }, { gender: "male" }],
    txs: [
      ["M", 0, 1000, "2024-03-01"],
      ["M", 1, 2000, "2024-03-02"],
      ["N", 0, 1500, "2024-03-01"],
    ],
  });
  m = seeded.merchants.M;
  n = seeded.merchants.N;
});
afterAll(async () => {
  await database?.close();
});

describe("refit needed", () => {
  it("a format-1 churn run (words stored) is not shown: the page says 'being prepared' and churn is queued", async () => {
    const old = await storeRaw(m, "churn", 1, 1, { revenueAtRisk: [{ text: { en: "long since last purchase: 48 days", ru: "давно не покупал: 48 дней" } }] });
    const read = await scoped(database, m, (ctx) => readModelResults(ctx, "churn"));
    expect(read).toEqual({
      status: "refit",
      run: null,
      runId: old,
      version: 1,
      reason: { cause: "older", storedFormat: 1, currentFormat: 8, message: "churn run stored in format 1, current format 8" },
    });
    const attempts = await scoped(database, m, (ctx) => getModelRunAttempts(ctx));
    expect(attempts.churn).toMatchObject({ id: old, status: "succeeded", format: 1, refitNeeded: true });

    const page = await loadModelRunPage(scopeOf(m), "churn", { requester: outboxRefitRequester(database) });
    expect(page.run).toBeNull();
    expect(page.latestAttempt).toMatchObject({ id: old, refitNeeded: true });
    expect(await pending()).toEqual([{ merchantId: m.id, reason: "refit: churn run stored in format 1, current format 8", kinds: ["churn"] }]);
  });

  it("a run of the current format that does not parse is refitted too; requests of one merchant merge their kinds", async () => {
    // Format 4 is the current CLV format (the next purchase, issue 17).
    await storeRaw(m, "clv", 1, 4, { customers: "many" });
    const page = await loadModelRunPage(scopeOf(m), "clv", { requester: outboxRefitRequester(database) });
    expect(page.run).toBeNull();
    expect(page.latestAttempt).toMatchObject({ format: 4, refitNeeded: true });
    const [job] = await pending();
    expect(job.kinds).toEqual(["clv", "churn"]);
    expect(job.reason).toMatch(/^refit: clv run params does not parse: calibrationEnd: /);
    // Viewing the page again while the request is pending changes nothing (not even its time).
    const before = await listModelJobs(database.db);
    await loadModelRunPage(scopeOf(m), "churn", { requester: outboxRefitRequester(database) });
    expect(await listModelJobs(database.db)).toEqual(before);
  });

  it("a data load's request (every kind) absorbs a refit request and keeps its reason", async () => {
    await database.db.transaction((tx) => enqueueModelJobs(tx, [n.id], "ingest"));
    await requestModelRefit(database.db, n.id, ["segments"], "refit: test");
    expect((await pending()).find((j) => j.merchantId === n.id)).toEqual({ merchantId: n.id, reason: "ingest", kinds: null });
    await expect(requestModelRefit(database.db, n.id, [], "x")).rejects.toThrow(/no kind/);
    await expect(requestModelRefit(database.db, n.id, ["uplift" as never], "x")).rejects.toThrow(/unknown model kind uplift/);
  });

  it("the worker refits only the queued kinds; afterwards the page shows the new attempt and queues nothing more", async () => {
    const processed = await runPendingModelJobs(database, { peerIndex: async () => undefined });
    const mine = processed.find((p) => p.job.merchantId === m.id)!;
    expect(mine.outcomes.map((o) => o.kind)).toEqual(["clv", "churn"]);
    expect(processed.find((p) => p.job.merchantId === n.id)!.outcomes.map((o) => o.kind)).toEqual(["clv", "churn", "segments", "forecast", "findings", "switching"]);
    expect(await pending()).toEqual([]);
    // Two customers: both fits fail with a reason; the failed attempt is what the page now shows.
    const page = await loadModelRunPage(scopeOf(m), "churn", { requester: outboxRefitRequester(database) });
    expect(page.run).toBeNull();
    expect(page.latestAttempt).toMatchObject({ version: 2, status: "failed", refitNeeded: false });
    expect(await pending()).toEqual([]);
  });

  it("a run written by newer code is not shown and not refitted by older code", async () => {
    const newer = await storeRaw(n, "segments", 2, 99, {});
    const calls: string[] = [];
    const page = await loadModelRunPage(scopeOf(n), "segments", { requester: async (id, kind, reason) => void calls.push(`${id}:${kind}:${reason}`) });
    expect(page.run).toBeNull();
    expect(page.latestAttempt).toMatchObject({ id: newer, refitNeeded: true });
    expect(calls).toEqual([]);
  });
});
