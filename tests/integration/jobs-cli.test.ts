import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { fitCustomerValue, readRfm } from "@/lib/jobs/clv";
import { enqueueModelJobs } from "@/lib/jobs/outbox";
import { prepareCliDatabase, type CliDatabase } from "../helpers/cli";
import { seedBank, type BankTx } from "./jobs-seed";

/*
 * The model subcommands of scripts/cli.ts, run as child processes against a database this file
 * seeds (PGlite closed before the CLI opens it, or a fresh PostgreSQL test database): a merchant
 * with 24 repeat customers (CLV fits; too few customers for churn).
 */
let shop: MerchantRef;
let expectedFit: ReturnType<typeof fitCustomerValue>;
const CALIBRATION_END = "2024-04-30";

function txs(): BankTx[] {
  const out: BankTx[] = [];
  for (let i = 0; i < 24; i++) {
    for (let k = 0; k < 2 + (i % 3); k++) {
      out.push(["S", i, 500 + 25 * i + 5 * k, new Date(Date.UTC(2024, 0, 2 + i * 2 + k * (9 + i))).toISOString().slice(0, 10)]);
    }
  }
  // The last data day is 2024-05-23 (customer 23: day 2 + 46 + 3 × 32 of 2024), so runs are as of 05-24.
  out.push(["S", 24, 999, "2024-05-20"]);
  return out;
}

async function seed(database: Database) {
  const seeded = await seedBank(database, { merchants: { S: { mcc: "5411" } }, customers: Array.from({ length: 25 }, () => ({})), txs: txs() });
  shop = seeded.merchants.S;
  expectedFit = fitCustomerValue(await readRfm(database, shop, CALIBRATION_END, "week"));
  await enqueueModelJobs(database.db, [shop.id], "test");
}

let cliDatabase: CliDatabase;
beforeAll(async () => {
  cliDatabase = await prepareCliDatabase("jobs-cli", seed);
});
afterAll(async () => {
  await cliDatabase?.cleanup();
});

const cli = (...args: string[]) => cliDatabase.run(...args);

describe("scripts/cli.ts model commands", () => {
  it("ltv --calibration-end --time-unit --json prints exactly the fitted parameters", async () => {
    const r = await cli("ltv", "--merchant", shop.slug, "--calibration-end", CALIBRATION_END, "--time-unit", "week", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(Object.keys(parsed)).toEqual(["merchant", "calibrationEnd", "timeUnit", "customers", "mbgnbd", "gammaGamma"]);
    expect(Object.keys(parsed.mbgnbd)).toEqual(["r", "alpha", "a", "b", "logLikelihood"]);
    expect(Object.keys(parsed.gammaGamma)).toEqual(["p", "q", "gamma", "logLikelihood"]);
    expect(parsed).toEqual({
      merchant: shop.slug,
      calibrationEnd: CALIBRATION_END,
      timeUnit: "week",
      customers: 24,
      mbgnbd: { ...expectedFit.mbgnbd.params, logLikelihood: expectedFit.mbgnbd.logLikelihood },
      gammaGamma: { ...expectedFit.gammaGamma.params, logLikelihood: expectedFit.gammaGamma.logLikelihood },
    });
  });

  it("before any run: ltv/churn/segments --json exit 2 and say so", async () => {
    for (const command of ["ltv", "churn", "segments"]) {
      const r = await cli(command, "--merchant", shop.slug, "--json");
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      const kind = command === "ltv" ? "clv" : command;
      expect(r.stderr).toBe(`error: no succeeded ${kind} run for ${shop.slug} yet; run \`models --merchant SLUG\` first\n`);
    }
  });

  it("models --pending runs the outbox; then the stored runs print", async () => {
    const r = await cli("models", "--pending", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.merchants).toHaveLength(1);
    expect(parsed.merchants[0].merchant).toBe(shop.slug);
    expect(parsed.merchants[0].runs.map((o: { kind: string; status: string; version: number }) => [o.kind, o.status, o.version])).toEqual([
      ["clv", "succeeded", 1],
      ["churn", "failed", 1],
      ["segments", "succeeded", 1],
      ["forecast", "succeeded", 1],
      ["findings", "succeeded", 1],
      // a one-merchant bank has no peers to leave for: the switching model needs 5 (ADR 0024)
      ["switching", "failed", 1],
    ]);

    const ltv = JSON.parse((await cli("ltv", "--merchant", shop.slug, "--json")).stdout);
    expect(Object.keys(ltv)).toEqual(["merchant", "id", "kind", "version", "periodFrom", "periodTo", "startedAt", "finishedAt", "params", "metrics", "summary"]);
    expect(ltv).toMatchObject({ merchant: shop.slug, kind: "clv", version: 1, periodTo: "2024-05-24" });
    expect(ltv.summary.customers).toBe(25);
    // Format 4: the next-purchase settings and sums travel with the run (no per-customer rows in the CLI).
    expect(ltv.params.nextPurchase).toEqual({ horizonDays: 365.25, quantiles: [0.1, 0.5, 0.9], threshold: 0.5, chanceDays: [30, 90] });
    expect(ltv.summary.nextPurchaseExpected).toBeLessThanOrEqual(25);

    const churn = await cli("churn", "--merchant", shop.slug, "--json");
    expect(churn.code).toBe(2);
    expect(churn.stderr).toMatch(/^error: no succeeded churn run for .*; the latest run failed: too few customers to train the churn model: \d+ active before the training cutoff/);

    const segments = JSON.parse((await cli("segments", "--merchant", shop.slug, "--json")).stdout);
    expect(segments).toMatchObject({ merchant: shop.slug, kind: "segments", version: 1 });
    expect(segments.summary.customers).toBe(25);

    const again = await cli("models", "--merchant", shop.slug, "--kinds", "segments");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/segments\s+run \d+ \(v2\)\s+[\d.]+ s\s+0 customers/);
    const none = await cli("models", "--pending");
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^0 merchant\(s\) processed in [\d.]+ s\n$/);
  });

  it("usage errors exit 2", async () => {
    expect((await cli("models")).code).toBe(2);
    expect((await cli("models", "--merchant", shop.slug, "--pending")).code).toBe(2);
    const kinds = await cli("models", "--merchant", shop.slug, "--kinds", "clv,uplift");
    expect(kinds.code).toBe(2);
    expect(kinds.stderr).toContain("unknown model kind(s): uplift");
    const unit = await cli("ltv", "--merchant", shop.slug, "--calibration-end", CALIBRATION_END, "--time-unit", "month");
    expect(unit.code).toBe(2);
    expect(unit.stderr).toContain('--time-unit must be week or day, got "month"');
    const day = await cli("ltv", "--merchant", shop.slug, "--calibration-end", "2024-02-30");
    expect(day.code).toBe(2);
    expect((await cli("ltv", "--merchant", "no-such-shop", "--json")).stderr).toContain("unknown merchant: no-such-shop");
  });
});
