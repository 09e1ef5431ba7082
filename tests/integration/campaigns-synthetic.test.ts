import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { importCampaign, runCampaignReport } from "@/lib/campaigns";
import { getEffectsPage } from "@/lib/campaigns/queries";
import type { CampaignReport } from "@/lib/campaigns/types";
import { DEFAULT_CAMPAIGN, campaignLines, writeSyntheticCampaign } from "@/lib/synthetic/campaign";
import { openTestDatabase, TEST_DIALECT } from "../helpers/db";
import { scoped, seedMerchant } from "./analytics-seed";

/*
 * The planted campaign of lib/synthetic/campaign.ts (30,000 customers, half treated; segments
 * young-urban +8 pp, families +2 pp, loyal-seniors −4 pp) is recovered by segment within the
 * documented tolerance of docs/campaigns.md: |estimate − planted| ≤ 2.5 pp (about three
 * standard errors at these segment sizes).
 */
const TOLERANCE = 0.025;

let database: Database;
let dir: string;
let report: CampaignReport;
let reportId: number;
let merchant: Awaited<ReturnType<typeof seedMerchant>>["merchant"];
beforeAll(async () => {
  database = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "campaign-synth-"));
  merchant = (await seedMerchant(database, [], [])).merchant;
  const file = path.join(dir, "planted.csv.gz");
  await writeSyntheticCampaign(file);
  const imported = await importCampaign(database, { merchantId: merchant.id, file });
  expect(imported).toMatchObject({ ok: true, rowsRead: DEFAULT_CAMPAIGN.customers });
  const stored = await runCampaignReport(database, imported.campaignId!);
  expect(stored.error).toBeNull();
  report = stored.report!;
  reportId = stored.reportId;
}, 600_000);
afterAll(async () => {
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe(`planted campaign uplift is recovered (${TEST_DIALECT})`, () => {
  it("the generator is deterministic and leaves the synthetic bank alone (own seed and streams)", () => {
    const a = [...campaignLines({ ...DEFAULT_CAMPAIGN, customers: 50 })].join("");
    const b = [...campaignLines({ ...DEFAULT_CAMPAIGN, customers: 50 })].join("");
    expect(a).toBe(b);
    expect(a.split("\n")[0]).toBe("customer_id,group,action,sent_at,conversion,segment,tenure_months,score");
  });

  it("lift by segment within ±2.5 pp of the planted uplift", () => {
    const [action] = report.actions;
    expect(action.action).toBe(DEFAULT_CAMPAIGN.action);
    const bySegment = action.segments.find((s) => s.feature === "segment")!;
    for (const planted of DEFAULT_CAMPAIGN.segments) {
      const g = bySegment.groups.find((x) => x.key === planted.name)!;
      expect(Math.abs(g.lift! - planted.uplift)).toBeLessThan(TOLERANCE);
      // A 95 % interval misses its target one time in twenty; with this seed the families'
      // interval [2.03, 5.20] pp (estimate 3.61) just misses +2 pp, so only the tolerance is the criterion.
      expect(g.ci!.upper - g.ci!.lower).toBeLessThan(2 * TOLERANCE);
    }
    // The overall ATE is the share-weighted planted uplift: 0.4·8 + 0.35·2 − 0.25·4 = 2.9 pp.
    const ate = action.outcomes.find((o) => o.outcome === "conversion")!;
    expect(Math.abs(ate.absolute - 0.029)).toBeLessThan(0.012);
  });

  it("the effect table targets the persuadable segment and leaves the do-not-disturb one alone", async () => {
    const rows = await scoped(database, merchant, (ctx) => getEffectsPage(ctx, reportId, null, 100_000));
    expect(rows).toHaveLength(DEFAULT_CAMPAIGN.customers);
    const segmentOf = new Map<string, string>();
    for (const line of [...campaignLines()].slice(1)) {
      const f = line.split(",");
      segmentOf.set(f[0], f[5]);
    }
    const share = (segment: string, pred: (r: (typeof rows)[number]) => boolean) => {
      const mine = rows.filter((r) => segmentOf.get(r.customerRef) === segment);
      return mine.filter(pred).length / mine.length;
    };
    expect(share("young-urban", (r) => r.recommended === DEFAULT_CAMPAIGN.action)).toBeGreaterThan(0.8);
    expect(share("loyal-seniors", (r) => r.recommended === null)).toBeGreaterThan(0.8);
    expect(share("loyal-seniors", (r) => r.category === "do-not-disturb")).toBeGreaterThan(0.6);
    // The held-out Qini of a model that can see the segment beats a random ranking.
    expect(report.actions[0].uplift!.tLearner.qini).toBeGreaterThan(report.actions[0].uplift!.random.qini);
  });
});
