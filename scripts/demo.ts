/**
 * `npm run demo`: the product on the embedded database, from nothing.
 * First run: migrate PGlite (DEMO_DIR/pglite, default .data/pglite), generate and load the
 * synthetic bank, load the real Online Retail and CDNOW logs when ../shared/data exists, fit and
 * store the model runs of every loaded merchant (docs/models/jobs.md), create the demo users
 * (printed with their passwords: demo mode only), build, and serve on http://localhost:3000.
 * Later runs find DEMO_DIR/demo-ready.json and only serve.
 *
 * Flags: --setup-only (prepare, do not serve), --small (a small synthetic bank, for e2e),
 * --port N. Each step runs as its own process because PGlite admits one process per data dir.
 */
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "setup-only": { type: "boolean", default: false },
    small: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
  },
});

const root = process.cwd();
const demoDir = path.resolve(process.env.DEMO_DIR ?? path.join(root, ".data"));
const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: process.env.PGLITE_DIR ?? path.join(demoDir, "pglite") };
const marker = path.join(demoDir, "demo-ready.json");
const sharedData = path.resolve(process.env.SHARED_DATA_DIR ?? path.join(root, "..", "shared", "data"));
const tsx = path.join(root, "node_modules", ".bin", "tsx");

function step(title: string, command: string, args: string[]) {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}); the demo database is left as it was after the last finished step.`);
    process.exit(1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function setup() {
  fs.mkdirSync(demoDir, { recursive: true });
  step("migrate the embedded database", tsx, ["scripts/migrate.ts"]);
  const size = values.small ? ["--customers", "3000", "--transactions", "120000"] : [];
  step("generate and load the synthetic bank", tsx, ["scripts/generate.ts", "--out", path.join(demoDir, "synthetic"), ...size]);
  const retail = path.join(sharedData, "online_retail", "online_retail.csv.gz");
  const cdnow = path.join(sharedData, "cdnow", "cdnow_master.csv");
  if (fs.existsSync(retail) && fs.existsSync(cdnow)) {
    step("load Online Retail (real)", tsx, ["scripts/ingest.ts", "--format", "online-retail", "--file", retail]);
    step("load CDNOW (real)", tsx, ["scripts/ingest.ts", "--format", "cdnow", "--file", cdnow]);
  } else {
    console.log(`\n(no ${sharedData}: the real Online Retail and CDNOW merchants are skipped)`);
  }
  // Every load above filled the model-job outbox (lib/jobs/outbox.ts): fit and store the models now.
  step("run model jobs (CLV, churn, segments, forecast, findings, Competitors reports)", tsx, ["scripts/cli.ts", "models", "--pending"]);
  step("create demo users", tsx, ["scripts/demo-users.ts"]);
  fs.writeFileSync(
    marker,
    JSON.stringify({ preparedAt: new Date().toISOString(), small: values.small, models: true, accounts: true, findings: true, competitorReports: true, disclosure: 2 }, null, 2),
  );
}

if (fs.existsSync(marker)) {
  console.log(`Reusing the demo database in ${demoDir} (delete that folder to start over).`);
  // Databases prepared before accounts and billing existed get the new tables and the demo plans.
  if (!(JSON.parse(fs.readFileSync(marker, "utf8")) as { accounts?: boolean }).accounts) {
    step("migrate the embedded database", tsx, ["scripts/migrate.ts"]);
    step("create demo users and plans", tsx, ["scripts/demo-users.ts"]);
    fs.writeFileSync(marker, JSON.stringify({ ...JSON.parse(fs.readFileSync(marker, "utf8")), accounts: true }, null, 2));
  }
  // Databases prepared before the Competitors reports were stored get the table and the reports
  // (the page would compute every report live, correct but slow).
  if (!(JSON.parse(fs.readFileSync(marker, "utf8")) as { competitorReports?: boolean }).competitorReports) {
    step("migrate the embedded database", tsx, ["scripts/migrate.ts"]);
    step("store the Competitors reports", tsx, ["scripts/cli.ts", "competitor-reports", "--all"]);
    fs.writeFileSync(marker, JSON.stringify({ ...JSON.parse(fs.readFileSync(marker, "utf8")), competitorReports: true }, null, 2));
  }
  spawnSync(tsx, ["scripts/demo-users.ts", "--print-only"], { stdio: "inherit", env });
} else {
  setup();
}

if (!values["setup-only"]) {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) step("build the app", "npx", ["next", "build"]);
  console.log(`\nServing on http://localhost:${values.port}`);
  const server = spawn("npx", ["next", "start", "-p", values.port], { stdio: "inherit", env });
  const stop = () => server.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", (code) => process.exit(code ?? 0));
}
