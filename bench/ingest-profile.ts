/**
 * Where ingest time goes, on PostgreSQL: `npx tsx bench/ingest-profile.ts [--rows N] [--file F]`.
 *
 * Loads the synthetic bank's merchants and customers into a fresh database of its own
 * (`bench_profile_<pid>`), turns on `log_min_duration_statement = 0` for that database only, then
 * loads N canonical transaction rows (the first N of `.data/bench/synthetic`, as `npm run bench`
 * slices them) and reads the server's statement log back: every statement's duration, grouped by
 * its first words. The read phase (parse, validate, COPY into staging, overlapped) is timed from
 * Node up to the "merge" progress event. Needs a local server whose log file this user can read
 * (PROFILE_PG_LOG, default Debian's /var/log/postgresql/postgresql-15-main.log) and superuser
 * rights for the ALTER DATABASE.
 *
 * `--explain` also loads auto_explain for that database (plans with row counts, timings and
 * trigger times of every statement over 200 ms, nested ones included), written to the same log:
 * it shows where inside a statement the time goes, foreign-key checks included
 * ("Trigger for constraint …"). Its timing overhead makes the totals of that run larger.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase } from "@/db/client";
import { ingestFile } from "@/lib/ingest";
import { sliceCanonical } from "./slice";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "200000" }, file: { type: "string" }, explain: { type: "boolean", default: false } },
});
const dir = path.resolve(".data/bench");
const synthetic = path.join(dir, "synthetic");
const admin = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const logFile = process.env.PROFILE_PG_LOG ?? "/var/log/postgresql/postgresql-15-main.log";
const name = `bench_profile_${process.pid}`;

/** auto_explain's plan entries seen by {@link readStatements}, written to a file with --explain. */
const plans: string[] = [];

/** Statement log entries of one database after `offset`: [duration ms, statement text]. */
function readStatements(offset: number): Array<[number, string]> {
  const text = fs.readFileSync(logFile, "utf8").slice(offset);
  const out: Array<[number, string]> = [];
  // One entry per log line start; statement text continues on the following tab-indented lines.
  const entries = text.split(/\n(?=\d{4}-\d{2}-\d{2} )/);
  for (const e of entries) {
    if (!e.includes(`@${name} `)) continue;
    const m = /duration: ([\d.]+) ms\s+(?:(?:execute|statement|parse|bind)[^:]*: )?([\s\S]*)/.exec(e);
    if (!m) continue;
    // auto_explain's entries (--explain) repeat a statement's time: kept apart, not summed.
    if (m[2].startsWith("plan:")) {
      plans.push(e);
      continue;
    }
    out.push([Number(m[1]), m[2].replace(/\s+/g, " ").trim()]);
  }
  return out;
}

async function main() {
  const rows = Number(values.rows);
  const file = values.file ?? (await sliceCanonical(synthetic, dir, rows));
  const a = await openDatabase({ url: admin });
  await a.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
  await a.db.execute(sql.raw(`create database ${name}`));
  const url = Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
  let database = await openDatabase({ url });
  try {
    await migrateDatabase(database);
    for (const [format, f] of [["merchants", "merchants.csv"], ["customers", "customers.csv"]] as const) {
      const r = await ingestFile(database, { format, file: path.join(synthetic, f) });
      if (!r.ok) throw new Error(`profile: ${f} failed`);
    }
    await database.close();
    await a.db.execute(sql.raw(`alter database ${name} set log_min_duration_statement = 0`));
    if (values.explain) {
      for (const setting of [
        "session_preload_libraries = 'auto_explain'",
        "auto_explain.log_min_duration = 200",
        "auto_explain.log_analyze = on",
        "auto_explain.log_triggers = on",
        "auto_explain.log_nested_statements = on",
      ]) {
        await a.db.execute(sql.raw(`alter database ${name} set ${setting}`));
      }
    }
    database = await openDatabase({ url });
    const offset = fs.statSync(logFile).size;
    const t0 = performance.now();
    let mergeAt = 0;
    const report = await ingestFile(database, {
      format: "transactions",
      file,
      onProgress: (p) => {
        if (p.phase === "merge") mergeAt = performance.now();
      },
    });
    const total = performance.now() - t0;
    if (!report.ok) throw new Error(`profile: load failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 500));
    const byLabel = new Map<string, number>();
    for (const [ms, text] of readStatements(offset)) {
      const label = text.slice(0, 90);
      byLabel.set(label, (byLabel.get(label) ?? 0) + ms);
    }
    console.log(JSON.stringify({ rows: report.rowsInserted, totalMs: Math.round(total), readAndStageMs: Math.round(mergeAt - t0) }));
    if (values.explain) {
      const plansFile = path.join(dir, `ingest-profile-plans-${process.pid}.txt`);
      fs.writeFileSync(plansFile, plans.join("\n"));
      console.log(`${plans.length} plans written to ${plansFile}`);
    }
    for (const [label, ms] of [...byLabel].sort((x, y) => y[1] - x[1]).slice(0, 30)) {
      console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${label}`);
    }
  } finally {
    await database.close();
    await a.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await a.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
