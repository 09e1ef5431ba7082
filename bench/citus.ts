/**
 * Citus against a single PostgreSQL, in one run (issue 18; figures in docs/scaling.md "Citus").
 * For each server, a fresh database (`--name`, default citus_bench; created through db/cluster.ts, so a Citus
 * coordinator's gets the extension and its workers, and migrateDatabase distributes it), then:
 *
 * 1. ingest of the synthetic bank's three files (merchants, customers, transactions) through
 *    lib/ingest: seconds and transactions per second;
 * 2. overview (getOverview) of the merchant with the most purchases over 30 and 365 days, and
 *    monthly cohort retention over its last 12 months: median and p95 of `--calls` calls;
 * 3. the Competitors stored-report job (refreshCompetitorReports) for that merchant's MCC group;
 * 4. model jobs (runMerchantModels, every family) of all merchants, or of the first
 *    `--models-merchants N` in id order, by 1 and by 2 worker processes (this file re-run with
 *    --models-worker i/n, each taking every n-th merchant): wall seconds.
 *
 * Usage: npx tsx bench/citus.ts --bank DIR [--single URL] [--citus URL] [--calls 20] [--skip-models]
 *   [--models-merchants N] [--only single|citus] [--name citus_bench] (the database created,
 *   dropped first, on each server). Each figure is printed as it is taken, with the load average.
 *   DIR holds merchants, customers and transactions .csv or .csv.gz (npm run generate --
 *   --no-load --out DIR); URLs name an existing database on each server (default 127.0.0.1:5432
 *   and :9700, database postgres). The machine is shared: run it with nice.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, queryRows, type Database } from "@/db/client";
import { createLocalDatabase } from "@/db/cluster";
import { ingestFile, type IngestFormat } from "@/lib/ingest";
import { getOverview } from "@/lib/analytics/getOverview";
import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { withMerchantScope } from "@/lib/tenancy/scope";
import type { MerchantRef } from "@/lib/tenancy/context";
import { addDays, presetPeriod } from "@/lib/days";
import { refreshCompetitorReports } from "@/lib/privacy/precompute";
import { runMerchantModels } from "@/lib/jobs/runModels";

const { values } = parseArgs({
  options: {
    bank: { type: "string" },
    single: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    citus: { type: "string", default: "postgres://postgres@127.0.0.1:9700/postgres" },
    calls: { type: "string", default: "20" },
    "skip-models": { type: "boolean", default: false },
    only: { type: "string" },
    name: { type: "string", default: "citus_bench" },
    "models-worker": { type: "string" },
    "models-merchants": { type: "string" },
    url: { type: "string" },
  },
});
const NAME = values.name!;
if (!/^[a-z_][a-z0-9_]*$/.test(NAME)) throw new Error(`--name must be a plain identifier, got ${NAME}`);

async function timeCalls(fn: () => Promise<unknown>, calls: number) {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { medianMs: Number(at(0.5).toFixed(1)), p95Ms: Number(at(0.95).toFixed(1)) };
}

/** Child process: the model jobs of every n-th merchant (i of n). */
async function modelsWorker(spec: string, url: string, limit: number | null) {
  const [i, n] = spec.split("/").map(Number);
  const database = await openDatabase({ url });
  try {
    const ids = (await queryRows<{ id: number }>(database.db, sql`select id from merchants order by id`)).map((r) => r.id).slice(0, limit ?? undefined);
    let ok = 0;
    const failed: string[] = [];
    for (const [k, id] of ids.entries()) {
      if (k % n !== i) continue;
      for (const o of await runMerchantModels(database, id)) {
        if (o.status === "succeeded") ok += 1;
        else failed.push(`${id}/${o.kind}: ${(o.error ?? "").slice(0, 120)}`);
      }
    }
    console.error(`models worker ${spec}: ${ok} runs succeeded, ${failed.length} failed${failed.length ? `; first: ${failed[0]}` : ""}`);
  } finally {
    await database.close();
  }
}

function runWorkers(url: string, n: number): Promise<number> {
  const started = performance.now();
  const tsx = path.resolve("node_modules/.bin/tsx");
  const children = Array.from({ length: n }, (_, i) =>
    new Promise<void>((resolve, reject) => {
      const limit = values["models-merchants"] ? ["--models-merchants", values["models-merchants"]] : [];
      const child = spawn(tsx, ["bench/citus.ts", "--models-worker", `${i}/${n}`, "--url", url, ...limit], { stdio: ["ignore", "ignore", "inherit"] });
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`models worker ${i}/${n} exited ${code}`))));
    }),
  );
  return Promise.all(children).then(() => (performance.now() - started) / 1000);
}

async function benchServer(label: string, adminUrl: string, bank: string, calls: number) {
  const admin = await openDatabase({ url: adminUrl });
  await admin.raw(`drop database if exists ${NAME} with (force)`);
  await admin.close();
  const { url, citus } = await createLocalDatabase(adminUrl, NAME);
  const first = await openDatabase({ url });
  await migrateDatabase(first);
  await first.close();
  const database: Database = await openDatabase({ url }); // the Citus step's settings apply to new connections
  const out: Record<string, unknown> = { server: label, citus };
  // each figure is printed as it is taken, so a run stopped part-way still reports what it measured
  const record = (key: string, value: unknown) => {
    out[key] = value;
    console.log(label, key, JSON.stringify(value), `(load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`);
  };
  try {
    for (const format of ["merchants", "customers", "transactions"] as IngestFormat[]) {
      const file = [`${format}.csv.gz`, `${format}.csv`].map((f) => path.join(bank, f)).find((f) => fs.existsSync(f))!;
      const t = performance.now();
      const report = await ingestFile(database, { format, file });
      if (!report.ok) throw new Error(`ingest of ${file} failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
      const seconds = (performance.now() - t) / 1000;
      record(`ingest_${format}_s`, Number(seconds.toFixed(1)));
      if (format === "transactions") {
        const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::bigint as n from transactions`);
        record("transactions", n);
        record("ingest_rows_per_s", Math.round(n / seconds));
      }
    }
    const [largest] = await queryRows<MerchantRef & { purchases: number; last_day: string }>(
      database.db,
      sql`select m.id, m.slug, m.name, m.mcc, m.currency, m.time_zone as "timeZone", sum(d.purchases)::bigint as purchases, max(d.day)::text as last_day
          from merchants m join merchant_daily d on d.merchant_id = m.id
          group by m.id order by purchases desc, m.id limit 1`,
    );
    const merchant: MerchantRef = { id: largest.id, slug: largest.slug, name: largest.name, mcc: largest.mcc, currency: largest.currency, timeZone: largest.timeZone };
    record("merchant", `${merchant.slug} (${largest.purchases} purchases)`);
    const end = addDays(largest.last_day, 1);
    for (const days of [30, 365]) {
      const period = presetPeriod(days, end);
      record(`overview_${days}d`, await timeCalls(() => withMerchantScope(database, merchant.id, (tx) => getOverview({ tx, merchant }, period)), calls));
    }
    const year = presetPeriod(365, end);
    record("cohorts_12m", await timeCalls(() => withMerchantScope(database, merchant.id, (tx) => getCohortRetention({ tx, merchant }, year)), calls));
    await database.raw(`delete from competitor_reports`);
    const t = performance.now();
    const outcomes = await refreshCompetitorReports(database, [merchant.id]);
    const failed = outcomes.filter((o) => o.status === "failed");
    record("competitors_job", {
      merchants: outcomes.length,
      failed: failed.length,
      seconds: Number(((performance.now() - t) / 1000).toFixed(1)),
      ...(failed.length > 0 ? { firstError: JSON.stringify(failed[0]).slice(0, 300) } : {}),
    });
    console.log(label, JSON.stringify(out));
  } finally {
    await database.close();
  }
  if (!values["skip-models"]) {
    for (const n of [1, 2]) {
      record(`models_all_${n}_workers_s`, Number((await runWorkers(url, n)).toFixed(1)));
    }
  }
  return out;
}

async function main() {
  if (values["models-worker"]) return modelsWorker(values["models-worker"], values.url!, values["models-merchants"] ? Number(values["models-merchants"]) : null);
  const bank = values.bank;
  if (!bank || !fs.existsSync(path.join(bank, "transactions.csv.gz"))) {
    throw new Error("usage: npx tsx bench/citus.ts --bank DIR (a generated bank: npm run generate -- --no-load --out DIR)");
  }
  const calls = Number(values.calls);
  const results = [];
  if (values.only !== "citus") results.push(await benchServer("single", values.single!, bank, calls));
  if (values.only !== "single") results.push(await benchServer("citus", values.citus!, bank, calls));
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
