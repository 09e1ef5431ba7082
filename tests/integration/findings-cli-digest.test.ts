import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { createUser, grantMembership } from "@/lib/auth/users";
import { buildWeeklyDigests, queueWeeklyDigests } from "@/lib/jobs/digest";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { listOutbox } from "@/lib/mail";
import { prepareCliDatabase, type CliDatabase } from "../helpers/cli";
import { openTestDatabase } from "../helpers/db";
import { generatePlanted } from "../helpers/plantedMerchant";
import { seedBank } from "./jobs-seed";

/*
 * The findings / forecast CLI (child processes) and the weekly digest (in process) on a merchant
 * with a planted 10 % price rise four weeks before its as-of day (2026-06-01).
 */
const SPEC = { seed: 12, customers: 400, days: 84, asOf: "2026-06-01", plant: "priceRise" as const, plantFrom: "2026-05-04" };

async function seed(database: Database): Promise<MerchantRef> {
  const data = generatePlanted(SPEC);
  const seeded = await seedBank(database, {
    merchants: { P: { mcc: "5411", currency: "RUB" } },
    customers: data.customers.map((c) => ({ gender: c.gender, birthYear: c.birthYear, isPremium: c.isPremium })),
    txs: data.txs.map(([c, amount, day]) => ["P", c, amount, day]),
  });
  const shop = seeded.merchants.P;
  const outcomes = await runMerchantModels(database, shop.id, { kinds: ["forecast", "findings"] });
  expect(outcomes.map((o) => o.status)).toEqual(["succeeded", "succeeded"]);
  return shop;
}

describe("findings and forecast CLI", () => {
  let cli: CliDatabase;
  let shop: MerchantRef;
  beforeAll(async () => {
    cli = await prepareCliDatabase("findings-cli", async (d) => {
      shop = await seed(d);
    });
  }, 300_000);
  afterAll(async () => {
    await cli?.cleanup();
  });

  it("findings --json: the stored run with each finding rendered; the price rise is found", async () => {
    const r = await cli.run("findings", "--merchant", shop.slug, "--json");
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.merchant).toBe(shop.slug);
    expect(run.summary.asOf).toBe("2026-06-01");
    const check = run.summary.findings.find((f: { id: string }) => f.id === "metricChange:averageCheck:previous");
    expect(check.direction).toBe("up");
    expect(check.text.headline).toMatch(/^Average check rose by \d+(\.\d)?% vs the previous four weeks$/);
    const ru = JSON.parse((await cli.run("findings", "--merchant", shop.slug, "--locale", "ru", "--json")).stdout);
    const checkRu = ru.summary.findings.find((f: { id: string }) => f.id === "metricChange:averageCheck:previous");
    expect(checkRu.text.headline).toMatch(/^Средний чек: рост на \d+(,\d)?\s?% по сравнению с предыдущими четырьмя неделями$/);
    // Text output: one numbered finding per line block.
    const text = await cli.run("findings", "--merchant", shop.slug);
    expect(text.stdout).toContain("1. ");
    expect(text.stdout).toContain("Average check rose by");
  });

  it("forecast --json: daily and weekly forecasts with bands and backtests", async () => {
    const r = await cli.run("forecast", "--merchant", shop.slug, "--json");
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    const daily = run.summary.daily.metrics.netRevenue;
    expect(daily.forecast).toHaveLength(28);
    expect(daily.forecast[0].day).toBe("2026-06-01");
    expect(daily.method).toBe("mstl-ets");
    expect(daily.backtest.folds).toBe(2);
    expect(run.summary.weekly.metrics.netRevenue.forecast).toHaveLength(13);
    expect(run.summary.weekly.metrics.netRevenue.method).toBe("seasonal-naive");
  });

  it("unknown merchant: exit 2", async () => {
    const r = await cli.run("findings", "--merchant", "no-such-shop");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown merchant: no-such-shop");
  });
});

describe("weekly digest", () => {
  let database: Database;
  let shop: MerchantRef;
  beforeAll(async () => {
    database = await openTestDatabase();
    shop = await seed(database);
    const owner = await createUser(database, { email: "owner@digest.test", password: "a-long-password-1", locale: "ru" });
    const rm = await createUser(database, { email: "rm@digest.test", password: "a-long-password-1", locale: "en" });
    await createUser(database, { email: "nobody@digest.test", password: "a-long-password-1" });
    await grantMembership(database, owner, shop.id, "merchant_owner");
    await grantMembership(database, rm, shop.id, "relationship_manager");
  }, 300_000);
  afterAll(async () => {
    await database?.close();
  });

  it("writes one digest per user with merchants, in their language, top findings first, into the outbox", async () => {
    const built = await buildWeeklyDigests(database, { asOf: "2026-06-01", baseUrl: "https://app.example" });
    expect(built.digests.map((d) => [d.to, d.locale])).toEqual([
      ["owner@digest.test", "ru"],
      ["rm@digest.test", "en"],
    ]);
    const [owner, rm] = built.digests;
    expect(owner.subject).toMatch(/^Ваша неделя: \d+ вывод(а|ов)? — Merchant P$/);
    expect(owner.text).toContain("Средний чек: рост на");
    expect(owner.text).toContain(`https://app.example/m/${shop.slug}/findings`);
    expect(rm.subject).toMatch(/^Your portfolio this week: \d+ findings?$/);
    expect(rm.text).toContain("Merchant P: ");
    expect(rm.findings).toBeGreaterThan(0);
    expect(rm.findings).toBeLessThanOrEqual(5);

    const queued = await queueWeeklyDigests(database, { asOf: "2026-06-01", baseUrl: "https://app.example" });
    expect(queued.queued).toBe(2);
    const outbox = await listOutbox(database.db);
    const digests = outbox.filter((m) => m.kind === "digest");
    expect(digests.map((m) => m.to).sort()).toEqual(["owner@digest.test", "rm@digest.test"]);
    expect(digests.find((m) => m.to === "owner@digest.test")!.text).toBe(owner.text);
  });

  it("a week without a recent findings run says nothing unusual", async () => {
    const built = await buildWeeklyDigests(database, { asOf: "2026-07-15" });
    expect(built.digests[0].findings).toBe(0);
    expect(built.digests[0].text).toContain("На этой неделе ничего необычного.");
  });
});
