import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { prepareCliDatabase, type CliDatabase } from "../helpers/cli";
import { seedMerchant, type SeedTx } from "./analytics-seed";

/*
 * `npm run cli -- benchmarks`: six merchants of MCC 5999 (no region: the MCC nationwide is the
 * first level), each with 6 customers buying once in March 2026 for 1000 + 100·k (k = 0..5).
 */
let slug: string;
const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 7)}`;

async function seed(database: Database) {
  for (let k = 0; k < 6; k++) {
    const txs: SeedTx[] = Array.from({ length: 6 }, (_, c) => [c, 1000 + 100 * k, "2026-03-10"]);
    const { merchant } = await seedMerchant(database, Array.from({ length: 6 }, () => ({})), txs, {
      slug: `bench-cli-${k}-${suffix}`,
      mcc: "5999",
      currency: "RUB",
    });
    if (k === 0) slug = merchant.slug;
  }
}

let cliDatabase: CliDatabase;
beforeAll(async () => {
  cliDatabase = await prepareCliDatabase("cli-benchmarks", seed);
});
afterAll(async () => {
  await cliDatabase?.cleanup();
});

describe("cli benchmarks", () => {
  it("--json prints the guarded report: 5 peers, quantiles as means of three order statistics", async () => {
    const r = await cliDatabase.run("benchmarks", "--merchant", slug, "--from", "2026-03-01", "--to", "2026-04-01", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.grain).toBe("month");
    expect(report.peerGroup.level).toBe("mcc_country");
    expect(report.peerGroup.peers).toBe(5);
    const check = report.benchmarks.find((b: { key: string }) => b.key === "averageCheckMinor");
    // The group's checks 1000 (own) and 1100 … 1500: exact p25 = mean(1000, 1100, 1200) = 1100, median 1300, p75 1400,
    // released with keyed noise (±15 % at most) at 3 significant digits; own 1000 below every released quartile.
    expect(check.own).toBe(1000);
    expect(check.peers.released).toBe(true);
    expect(check.peers.value.peers).toBe(6);
    expect(check.peers.value.band).toBe("below_p25");
    for (const [q, exact] of [["p25", 1100], ["median", 1300], ["p75", 1400]] as const) {
      const got: number = check.peers.value[q];
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.15 * exact + 5);
      expect(Number(got.toPrecision(3))).toBe(got);
    }
    expect(check.peers.value).not.toHaveProperty("percentileRank");
  });

  it("prints a table, and refuses a period that is not a whole month, quarter or year", async () => {
    const ok = await cliDatabase.run("benchmarks", "--merchant", slug, "--from", "2026-01-01", "--to", "2026-04-01");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("quarter 2026-01-01 to 2026-04-01");
    expect(ok.stdout).toContain("peer group: mcc_country (MCC 5999, -), 5 peers");
    const bad = await cliDatabase.run("benchmarks", "--merchant", slug, "--from", "2026-03-05", "--to", "2026-03-20");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/whole calendar month, quarter or year/);
  });

  it("competitor-reports stores the merchant's 35 offered periods; benchmarks then prints the stored report unchanged", async () => {
    const before = await cliDatabase.run("benchmarks", "--merchant", slug, "--from", "2026-02-01", "--to", "2026-03-01", "--json");
    const r = await cliDatabase.run("competitor-reports", "--merchant", slug, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.merchants.map((m: { status: string; reports: number }) => [m.status, m.reports])).toEqual([["stored", 35]]);
    const again = await cliDatabase.run("competitor-reports", "--merchant", slug);
    expect(again.stdout).toMatch(new RegExp(`^competitor reports ${slug}: up to date `, "m"));
    const after = await cliDatabase.run("benchmarks", "--merchant", slug, "--from", "2026-02-01", "--to", "2026-03-01", "--json");
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));
    const bad = await cliDatabase.run("competitor-reports", "--merchant", slug, "--all");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/give either --merchant SLUG or --all/);
  });
});
