import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { prepareCliDatabase, type CliDatabase } from "../helpers/cli";
import { seedMerchant, type SeedTx } from "./analytics-seed";

/*
 * Runs scripts/cli.ts as a child process against a database this file seeds: a PGlite data
 * directory in a temp dir (closed before the CLI opens it: one process per directory) or a
 * fresh PostgreSQL test database.
 */
let slug: string;
let otherSlug: string;

// February 2024: gross 5000 in 6 purchases, refunds 600 in 2, 4 customers (see analytics-overview).
const TXS: SeedTx[] = [
  [0, 1000, "2023-12-20"],
  [0, 1500, "2024-02-05"],
  [0, 500, "2024-02-10"],
  [1, 2000, "2024-01-10"],
  [1, 700, "2024-02-05"],
  [1, -200, "2024-02-06"],
  [2, 1001, "2024-02-14"],
  [3, 999, "2024-02-14"],
  [3, 300, "2024-02-29"],
  [4, 5000, "2024-03-01"],
  [5, -400, "2024-02-20"],
  [5, 400, "2024-01-02"],
];

async function seed(database: Database) {
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  slug = `cli-shop-${suffix}`;
  otherSlug = `cli-other-${suffix}`;
  await seedMerchant(database, [{}, {}, {}, {}, {}, {}], TXS, { slug, name: "Corner Shop", mcc: "5411", currency: "EUR", timeZone: "Europe/Berlin" });
  await seedMerchant(database, [{}], [[0, 123, "2024-02-01"], [0, -23, "2024-02-02"]], { slug: otherSlug, name: "Other", mcc: "5812", currency: "JPY", timeZone: "Asia/Tokyo" });
}

let cliDatabase: CliDatabase;
beforeAll(async () => {
  cliDatabase = await prepareCliDatabase("cli", seed);
});
afterAll(async () => {
  await cliDatabase?.cleanup();
});

const cli = (...args: string[]) => cliDatabase.run(...args);

describe("scripts/cli.ts", () => {
  it("metrics --json prints exactly the headline keys", async () => {
    const r = await cli("metrics", "--merchant", slug, "--from", "2024-02-01", "--to", "2024-03-01", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(Object.keys(parsed)).toEqual([
      "merchant",
      "currency",
      "from",
      "to",
      "grossSalesMinor",
      "refundsMinor",
      "netRevenueMinor",
      "purchases",
      "refunds",
      "customers",
      "averageCheckMinor",
      "frequency",
    ]);
    expect(parsed).toEqual({
      merchant: slug,
      currency: "EUR",
      from: "2024-02-01",
      to: "2024-03-01",
      grossSalesMinor: 5000,
      refundsMinor: 600,
      netRevenueMinor: 4400,
      purchases: 6,
      refunds: 2,
      customers: 4,
      averageCheckMinor: 833,
      frequency: 1.5,
    });
  });

  it("metrics without --json prints a readable table, money in major units", async () => {
    const r = await cli("metrics", "--merchant", slug, "--from", "2024-02-01", "--to", "2024-03-01");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Corner Shop");
    expect(r.stdout).toMatch(/gross sales\s+€50\.00/);
    expect(r.stdout).toMatch(/net revenue\s+€44\.00/);
    expect(r.stdout).toMatch(/customers\s+4\n/);
    expect(r.stdout).toMatch(/average check\s+€8\.33/);
    expect(r.stdout).toMatch(/purchase frequency\s+1\.50/);
  });

  it("merchants --json lists merchants with their transaction counts from the rollups", async () => {
    const r = await cli("merchants", "--json");
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { slug: string }[];
    const ours = list.filter((m) => m.slug === slug || m.slug === otherSlug);
    expect(ours).toEqual([
      // Ordered by slug: cli-other-… before cli-shop-….
      { slug: otherSlug, name: "Other", mcc: "5812", currency: "JPY", timeZone: "Asia/Tokyo", transactions: 2 },
      { slug, name: "Corner Shop", mcc: "5411", currency: "EUR", timeZone: "Europe/Berlin", transactions: 12 },
    ]);
    const table = await cli("merchants");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${otherSlug}\\s+Other\\s+5812\\s+JPY\\s+Asia/Tokyo\\s+2`));
  });

  it("exits 2 with a message on stderr for an unknown merchant, bad dates or an unknown command", async () => {
    const unknown = await cli("metrics", "--merchant", "no-such-shop", "--from", "2024-02-01", "--to", "2024-03-01", "--json");
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain("unknown merchant: no-such-shop");

    const badDay = await cli("metrics", "--merchant", slug, "--from", "2024-02-30", "--to", "2024-03-01");
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toContain("bad period");

    const reversed = await cli("metrics", "--merchant", slug, "--from", "2024-03-01", "--to", "2024-02-01");
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain("`from` must be before `to`");

    const command = await cli("frobnicate");
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command: frobnicate");
  });
});
