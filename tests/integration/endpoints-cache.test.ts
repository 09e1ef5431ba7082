/**
 * The answer cache of the rollup views (lib/endpoints/cache.ts), the one-query access check and
 * the shared scope of a merchant page (MerchantAccess.batch, lib/endpoints/prefetch.ts
 * merchantPageData), on both databases (issue 14 "Load", issue 19 item 10):
 * - tenancy: user B of merchant Y never gets merchant X's cached answer, and cannot open X;
 * - a new ingest (a new rollup_version) makes the next access compute a fresh answer;
 * - the cached answer of every view marked `cache: "rollups"` equals its loader's, cold and warm;
 * - the exact statements: one for the access check, seven for the Overview page's data when
 *   nothing is cached (was seventeen: three scopes of their own), none when it all is.
 *
 * Figures by hand. Period February 2024, previous period [2024-01-03, 2024-02-01) (29 days):
 *   X: c0 1000 on 02-05, c1 2500 on 02-10 → gross 3500, 2 purchases, 2 customers (both new);
 *      later c2 4000 on 02-20 → gross 7500, 3 purchases, 3 customers.
 *   Y: c0 700 on 02-07 → gross 700, 1 purchase, 1 customer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { transactions } from "@/db/schema";
import { loadActorIn, resolveActorAccessIn, resolveMerchantAccessIn, type MerchantAccess } from "@/lib/auth/access";
import { answerCacheStats, answerKey, clearAnswerCache, loadView } from "@/lib/endpoints/cache";
import { endpointKey } from "@/lib/endpoints/keys";
import { merchantPageData, prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { ALL_ENDPOINTS } from "@/lib/endpoints/registry";
import { dynamics } from "@/lib/endpoints/views/dynamics";
import { overview } from "@/lib/endpoints/views/overview";
import { refreshRollups } from "@/lib/rollups";
import type { MerchantRef } from "@/lib/tenancy/context";
import { openTestDatabase } from "../helpers/db";
import { recordStatements } from "../helpers/statements";
import { seedMerchant } from "./analytics-seed";
import { seedUser } from "./tenancy-fixtures";

let database: Database;
let x: { merchant: MerchantRef; customerIds: number[] };
let y: { merchant: MerchantRef; customerIds: number[] };
let userA: string;
let userB: string;
const FEB = { from: "2024-02-01", to: "2024-03-01" };

async function accessOf(userId: string, slug: string): Promise<MerchantAccess> {
  const actor = await loadActorIn(database, userId);
  const access = actor ? await resolveMerchantAccessIn(database, actor, slug) : null;
  if (!access) throw new Error(`no access for ${userId} to ${slug}`);
  return access;
}

beforeAll(async () => {
  database = await openTestDatabase();
  x = await seedMerchant(database, [{}, {}, {}], [
    [0, 1000, "2024-02-05"],
    [1, 2500, "2024-02-10"],
  ]);
  y = await seedMerchant(database, [{}], [[0, 700, "2024-02-07"]]);
  userA = (await seedUser(database, { prefix: "owner-x", memberships: [[x.merchant.id, "merchant_owner"]] })).id;
  userB = (await seedUser(database, { prefix: "owner-y", memberships: [[y.merchant.id, "merchant_owner"]] })).id;
}, 120_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(() => clearAnswerCache());

describe("the answer cache keeps tenants apart", () => {
  it("user B of merchant Y gets Y's figures, never X's cached answer, and cannot open X", async () => {
    const a = await accessOf(userA, x.merchant.slug);
    const first = await loadView(overview, a, FEB);
    expect(first.current).toMatchObject({ grossSalesMinor: 3500, purchases: 2, customers: 2, newCustomers: 2 });
    expect(answerCacheStats).toEqual({ hits: 0, misses: 1 });

    // X's answer again: from memory, not one statement sent.
    const log = recordStatements(database);
    const again = await loadView(overview, a, FEB);
    log.stop();
    expect(log.statements).toEqual([]);
    expect(again).toBe(first);
    expect(answerCacheStats).toEqual({ hits: 1, misses: 1 });

    // Same view, same query, another merchant: a miss, computed from Y's own rollups.
    const b = await accessOf(userB, y.merchant.slug);
    expect(answerKey(b, "overview", FEB)).not.toBe(answerKey(a, "overview", FEB));
    const theirs = await loadView(overview, b, FEB);
    expect(theirs.current).toMatchObject({ grossSalesMinor: 700, purchases: 1, customers: 1, newCustomers: 1 });
    expect(answerCacheStats).toEqual({ hits: 1, misses: 2 });
    expect((await loadView(overview, b, FEB)).current.grossSalesMinor).toBe(700);

    // B has no access to X at all: no access object, so no key of X's can be formed for B.
    const actorB = (await loadActorIn(database, userB))!;
    expect(await resolveMerchantAccessIn(database, actorB, x.merchant.slug)).toBeNull();
    const resolved = await resolveActorAccessIn(database, userB, x.merchant.slug);
    expect(resolved?.actor.userId).toBe(userB);
    expect(resolved?.access).toBeNull();
  });

  it("the key holds the merchant, its data version, its time zone, the view and the query (keys sorted)", async () => {
    const a = await accessOf(userA, x.merchant.slug);
    expect(answerKey(a, "dynamics", { to: "2024-03-01", bucket: "week", from: "2024-02-01" })).toBe(
      JSON.stringify([x.merchant.id, a.dataVersion, "UTC", "dynamics", { bucket: "week", from: "2024-02-01", to: "2024-03-01" }]),
    );
  });
});

describe("cached answers equal the loaders'", () => {
  const cachedViews = ALL_ENDPOINTS.filter((d) => d.cache === "rollups");

  it("marks the rollup views only", () => {
    expect(cachedViews.map((d) => d.name).sort()).toEqual(
      ["cohorts", "data-range", "dynamics", "overview", "purchase-frequency", "regular-customers", "seasonality"].sort(),
    );
  });

  it.each(cachedViews.map((d) => [d.name, d] as const))("%s: cold and warm answers are the loader's own", async (_name, def) => {
    const a = await accessOf(userA, x.merchant.slug);
    const query = def.query.parse(def.name === "data-range" ? {} : def.name === "dynamics" ? { ...FEB, bucket: "week" } : FEB);
    const direct = await def.load(a, query);
    const cold = await loadView(def, a, query);
    const warm = await loadView(def, a, query);
    expect(cold).toEqual(direct);
    expect(warm).toBe(cold);
    expect(answerCacheStats).toEqual({ hits: 1, misses: 1 });
  });
});

describe("statements of a merchant page", () => {
  it("the actor and the access: one statement", async () => {
    const log = recordStatements(database);
    const resolved = await resolveActorAccessIn(database, userA, x.merchant.slug);
    log.stop();
    expect(resolved?.access?.merchant.id).toBe(x.merchant.id);
    expect(resolved?.access?.role).toBe("merchant_owner");
    expect(log.statements).toHaveLength(1);
    expect(log.statements[0]).toMatch(/^select .* from "users" left join "merchants"/);
  });

  it("a signed-out (deleted) user is told apart from a merchant that is not theirs", async () => {
    expect(await resolveActorAccessIn(database, "00000000-0000-4000-8000-000000000000", x.merchant.slug)).toBeNull();
    expect(await resolveActorAccessIn(database, userA, "no-such-merchant")).toMatchObject({ access: null, actor: { userId: userA } });
    expect(await resolveActorAccessIn(database, userA, "Not A Slug!")).toMatchObject({ access: null, actor: { userId: userA } });
  });

  it("Overview's data range, headline figures and dynamics: one transaction of seven statements cold, none warm", async () => {
    const a = await accessOf(userA, x.merchant.slug);
    const prefetch = (client: QueryClient) => async (batched: MerchantAccess, period: { from: string; to: string }) => {
      await prefetchEndpoint(client, batched, overview, period);
      await prefetchEndpoint(client, batched, dynamics, { ...period, bucket: "day" });
    };
    const search = { from: FEB.from, to: FEB.to };

    const cold = new QueryClient();
    const log = recordStatements(database);
    const page = await merchantPageData(a, search, prefetch(cold));
    log.stop();
    expect(page.period).toEqual(FEB);
    expect(page.range).toEqual({ firstDay: "2024-02-05", lastDay: "2024-02-10" });
    expect(log.statements).toHaveLength(7);
    expect(log.statements[0]).toBe("BEGIN");
    expect(log.statements[1]).toBe(`set local app.merchant_id = '${x.merchant.id}'`);
    expect(log.statements[2]).toMatch(/^select set_config\('transaction_read_only', \$1, true\), set_config\('role', 'app_merchant', true\)$/);
    expect(log.statements[3]).toMatch(/^select min\(day\)::text as first_day, max\(day\)::text as last_day from merchant_daily/);
    expect(log.statements[4]).toMatch(/^select row_to_json\(c\) as current, row_to_json\(p\) as previous/);
    expect(log.statements[5]).toMatch(/^with sums as/);
    expect(log.statements[6]).toBe("COMMIT");
    const overviewKey = endpointKey("overview", x.merchant.slug, FEB);
    const dynamicsKey = endpointKey("dynamics", x.merchant.slug, { ...FEB, bucket: "day" });
    expect(cold.getQueryData(overviewKey)).toMatchObject({ current: { grossSalesMinor: 3500 } });
    expect(cold.getQueryState(dynamicsKey)?.status).toBe("success");

    const warm = new QueryClient();
    const again = recordStatements(database);
    const page2 = await merchantPageData(a, search, prefetch(warm));
    again.stop();
    expect(again.statements).toEqual([]);
    expect(page2).toEqual(page);
    expect(warm.getQueryData(overviewKey)).toBe(cold.getQueryData(overviewKey));
    expect(warm.getQueryData(dynamicsKey)).toBe(cold.getQueryData(dynamicsKey));
  });
});

describe("MerchantAccess.batch", () => {
  it("opens no transaction until a run, then one for every run, read-only", async () => {
    const a = await accessOf(userA, x.merchant.slug);
    const log = recordStatements(database);
    expect(await a.batch(async () => 42)).toBe(42);
    expect(log.statements).toEqual([]);
    const sums = await a.batch(async (batched) => {
      const one = await batched.run(async ({ tx }) => (await tx.execute(sql`select 1 as n`)) as unknown);
      const two = await batched.run(async () => 2);
      return [one !== undefined, two];
    });
    log.stop();
    expect(sums).toEqual([true, 2]);
    expect(log.statements.filter((s) => s === "BEGIN")).toHaveLength(1);
    expect(log.statements.at(-1)).toBe("COMMIT");

    await expect(
      a.batch((batched) => batched.run(({ tx }) => tx.insert(transactions).values({
        bankTransactionId: "never", merchantId: x.merchant.id, customerId: x.customerIds[0], amountMinor: 1, currency: "EUR",
        occurredAt: new Date(), localDate: "2024-02-01", localHour: 1, channel: "offline", kind: "purchase",
      }))),
    ).rejects.toThrow();
  });

  it("rejects the runs of a batch whose fn fails, and leaves nothing open", async () => {
    const a = await accessOf(userA, x.merchant.slug);
    await expect(a.batch(async (batched) => {
      await batched.run(async () => 1);
      throw new Error("page failed");
    })).rejects.toThrow("page failed");
    // The database still answers (no transaction left holding PGlite's one connection).
    expect((await loadView(overview, a, FEB)).current.grossSalesMinor).toBeGreaterThan(0);
  });
});

// Last: it adds a purchase to X, which every figure above is computed without.
describe("a new ingest invalidates the cached answers", () => {
  it("moves the merchant's data version, and the next access computes the new figures", async () => {
    const before = await accessOf(userA, x.merchant.slug);
    expect((await loadView(overview, before, FEB)).current.grossSalesMinor).toBe(3500);
    expect((await loadView(overview, before, FEB)).current.grossSalesMinor).toBe(3500);
    expect(answerCacheStats).toEqual({ hits: 1, misses: 1 });

    // What ingest does: the row, then the rollups of its day in one transaction (rollup_version + 1).
    await database.db.insert(transactions).values({
      bankTransactionId: `${x.merchant.slug}-late`,
      merchantId: x.merchant.id,
      customerId: x.customerIds[2],
      amountMinor: 4000,
      currency: x.merchant.currency,
      occurredAt: new Date("2024-02-20T12:00:00Z"),
      localDate: "2024-02-20",
      localHour: 12,
      channel: "offline",
      kind: "purchase",
    });
    await database.db.transaction((t) => refreshRollups(t, x.merchant.id, ["2024-02-20"]));

    const after = await accessOf(userA, x.merchant.slug);
    expect(after.dataVersion).toBe(before.dataVersion + 1);
    const fresh = await loadView(overview, after, FEB);
    expect(fresh.current).toMatchObject({ grossSalesMinor: 7500, purchases: 3, customers: 3, newCustomers: 3 });
    expect(answerCacheStats).toEqual({ hits: 1, misses: 2 });
    const week = await loadView(dynamics, after, { ...FEB, bucket: "month" });
    expect(week.series.map((s) => s.grossSalesMinor)).toEqual([7500]);
  });
});
