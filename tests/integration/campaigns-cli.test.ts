import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CampaignReport } from "@/lib/campaigns/types";
import { prepareCliDatabase, type CliDatabase } from "../helpers/cli";
import { seedMerchant } from "./analytics-seed";

/*
 * `npm run cli -- campaign import | report | list` as child processes against a database this file
 * seeds (one merchant), with a 300-row campaign file written here; the expected figures are
 * counted here from the same rows.
 */
let cliDatabase: CliDatabase;
let slug = "";
let dir: string;
let file: string;
let counts = { xt: 0, nt: 0, xc: 0, nc: 0 };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "campaigns-cli-"));
  file = path.join(dir, "mail.csv");
  const lines = ["customer_id,group,action,sent_at,conversion,tenure"];
  counts = { xt: 0, nt: 0, xc: 0, nc: 0 };
  for (let i = 0; i < 300; i++) {
    const treated = i % 3 !== 0;
    const y = (i * 13) % 10 < (treated ? 3 : 2) ? 1 : 0;
    if (treated) {
      counts.nt++;
      counts.xt += y;
    } else {
      counts.nc++;
      counts.xc += y;
    }
    lines.push(`k${i},${treated ? "treatment" : "control"},${treated ? "Mail" : ""},2024-03-01,${y},${i % 11}`);
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
  cliDatabase = await prepareCliDatabase("campaigns-cli", async (database) => {
    slug = (await seedMerchant(database, [], [])).merchant.slug;
  });
}, 300_000);
afterAll(async () => {
  await cliDatabase?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("scripts/cli.ts campaign", () => {
  it("imports, reports (JSON) and lists; a re-import is idempotent; a bad file exits 2", async () => {
    const imported = await cliDatabase.run("campaign", "import", "--merchant", slug, "--file", file, "--name", "Mail test", "--json");
    expect(imported.code).toBe(0);
    const body = JSON.parse(imported.stdout);
    expect(body.import).toMatchObject({ ok: true, rowsRead: 300, alreadyPresent: false });
    expect(body.report.status).toBe("succeeded");
    const id = body.import.campaignId;

    const report = await cliDatabase.run("campaign", "report", "--id", String(id), "--json");
    expect(report.code).toBe(0);
    const r = JSON.parse(report.stdout) as CampaignReport;
    const [mail] = r.actions;
    expect(mail).toMatchObject({ action: "Mail", treatment: counts.nt, control: counts.nc });
    const conv = mail.outcomes[0];
    expect(conv.outcome).toBe("conversion");
    expect(conv.treatment).toBeCloseTo(counts.xt / counts.nt, 14);
    expect(conv.control).toBeCloseTo(counts.xc / counts.nc, 14);
    expect(conv.ci.lower).toBeLessThan(conv.absolute);
    expect(conv.ci.upper).toBeGreaterThan(conv.absolute);
    expect(typeof mail.uplift!.tLearner.qini).toBe("number");

    const again = await cliDatabase.run("campaign", "import", "--merchant", slug, "--file", file);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^already imported: campaign ${id}, 300 rows`));

    const list = await cliDatabase.run("campaign", "list", "--merchant", slug, "--json");
    expect(JSON.parse(list.stdout).map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([[id, "Mail test"]]);

    const bad = path.join(dir, "bad.csv");
    fs.writeFileSync(bad, "customer_id,group,action,sent_at\nz,treatment,X,2024-03-01\n");
    const rejected = await cliDatabase.run("campaign", "import", "--merchant", slug, "--file", bad);
    expect(rejected.code).toBe(2);
    expect(rejected.stdout).toContain("the campaign has no control group");
    expect((await cliDatabase.run("campaign", "report", "--id", "999999")).code).toBe(2);
  }, 600_000);
});
