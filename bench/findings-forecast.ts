/*
 * Benchmark: the forecast + findings jobs (lib/jobs/forecast.ts, lib/jobs/findings.ts) for every
 * merchant of the full synthetic bank, as the model worker runs them after an ingest: time per
 * merchant (median, p95, max) and total. Target: under 2 s per merchant.
 *
 * Run from bench/run.ts (after its overview step has loaded the bank into .data/bench), or alone:
 *   npx tsx bench/findings-forecast.ts [pglite|postgres]
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase, queryRows, type Database } from "@/db/client";
import { sql } from "drizzle-orm";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { benchBankName } from "./slice";

const dir = path.resolve(".data/bench");
const pgAdmin = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Opens the bank loaded by bench/run.ts's overview step; null when it is not there. */
async function openBank(kind: "pglite" | "postgres"): Promise<Database | null> {
  const name = benchBankName(kind);
  if (!fs.existsSync(path.join(dir, `${name}.loaded`))) return null;
  return kind === "pglite"
    ? openDatabase({ dataDir: path.join(dir, name) })
    : openDatabase({ url: Object.assign(new URL(pgAdmin), { pathname: `/${name}` }).toString() });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** Times forecast + findings for every merchant of the loaded bank. */
export async function benchFindingsForecast(kind: "pglite" | "postgres") {
  const database = await openBank(kind);
  if (!database) {
    console.log(`findings+forecast ${kind}: no loaded bank in .data/bench (run the overview step first)`);
    return null;
  }
  try {
    const merchants = await queryRows<{ id: number; slug: string }>(database.db, sql`select id, slug from merchants order by id`);
    const times: number[] = [];
    const perKind = { forecast: 0, findings: 0 };
    const failed: string[] = [];
    const t0 = performance.now();
    for (const m of merchants) {
      const started = performance.now();
      const outcomes = await runMerchantModels(database, m.id, { kinds: ["forecast", "findings"] });
      times.push((performance.now() - started) / 1000);
      for (const o of outcomes) {
        perKind[o.kind as "forecast" | "findings"] += o.seconds;
        if (o.status === "failed") failed.push(`${m.slug}/${o.kind}: ${o.error}`);
      }
    }
    const total = (performance.now() - t0) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    const r = {
      database: kind,
      merchants: merchants.length,
      totalSeconds: Number(total.toFixed(1)),
      perMerchantSeconds: {
        mean: Number((total / merchants.length).toFixed(2)),
        median: Number(quantile(sorted, 0.5).toFixed(2)),
        p95: Number(quantile(sorted, 0.95).toFixed(2)),
        max: Number(sorted[sorted.length - 1].toFixed(2)),
      },
      forecastSecondsTotal: Number(perKind.forecast.toFixed(1)),
      findingsSecondsTotal: Number(perKind.findings.toFixed(1)),
      failed,
    };
    console.log("findings+forecast", JSON.stringify(r));
    return r;
  } finally {
    await database.close();
  }
}

const isEntry = process.argv[1] && /bench[\\/]findings-forecast\.ts$/.test(process.argv[1]);
if (isEntry) {
  const kind = (process.argv[2] ?? "postgres") as "pglite" | "postgres";
  benchFindingsForecast(kind).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
