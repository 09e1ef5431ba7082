import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { getChurnResults } from "@/lib/analytics/getModelResults";
import type { ChurnPoolCache } from "@/lib/jobs/churn";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { findMerchantRef } from "@/lib/jobs/store";
import { loadSmallSyntheticBank } from "../helpers/syntheticBank";
import { scoped } from "./analytics-seed";

let database: Database;
let cleanup: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ database, cleanup } = await loadSmallSyntheticBank("jobs-pooled"));
});
afterAll(async () => {
  await cleanup?.();
});

describe("pooled churn on the small synthetic bank", () => {
  it("explore", async () => {
    const merchants = await queryRows<{ slug: string; id: number }>(database.db, sql`select slug, id from merchants order by id`);
    const poolCache: ChurnPoolCache = new Map();
    const lines: string[] = [];
    for (const { slug } of merchants) {
      const m = (await findMerchantRef(database, { slug }))!;
      const t0 = Date.now();
      const [o] = await runMerchantModels(database, m.id, { kinds: ["churn"], poolCache });
      const secs = (Date.now() - t0) / 1000;
      if (o.status === "failed") { lines.push(`${slug}\tFAILED\t${secs}\t${o.error}`); continue; }
      const run = (await scoped(database, m, (ctx) => getChurnResults(ctx)))!;
      const imp = run.summary.importance.slice(0, 3).map((i) => i.feature).join(",");
      lines.push(`${slug}\t${run.params.pooling.mode}\t${secs}\t${JSON.stringify(run.metrics.holdoutAuc)}\t${run.params.pooling.level}/${run.params.pooling.merchants}\tval=${run.metrics.validationRows}\tscored=${run.summary.scoredCustomers}\t${run.summary.verdict}\t${imp}`);
    }
    console.log(lines.join("\n"));
    expect(lines.length).toBe(merchants.length);
  }, 600_000);
});
