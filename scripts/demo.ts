/**
 * `npm run demo`: the product on the embedded database, from nothing, serving within minutes.
 *
 * First run (docs/adr/0017-job-queue.md, "the demo"): `next build` starts at once in its own
 * process (output in DEMO_DIR/build.log) while the data step runs: migrate PGlite
 * (DEMO_DIR/pglite, default .data/pglite), write the synthetic bank's files, load its merchants
 * and customers, the featured owners' merchants and the real Online Retail and CDNOW logs (when
 * ../shared/data exists), create the demo users, queue the rest. Then `next start` serves and its
 * in-process worker fills in the background: the other merchants' transactions, every merchant's
 * models and Competitors reports (featured merchants first); pages show what is still being
 * prepared. Later runs find DEMO_DIR/demo-ready.json and only serve (unfinished background work
 * resumes from the queue). The user list is printed last, once the server answers.
 *
 * Flags: --setup-only (prepare and wait for the background work, do not serve), --small (a small
 * synthetic bank, for e2e), --port N. Ctrl-C stops the server and everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { generatedSecret } from "@/lib/auth/secret";

const { values } = parseArgs({
  options: {
    "setup-only": { type: "boolean", default: false },
    small: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
  },
});

const t0 = Date.now();
const clock = () => `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
const root = process.cwd();
const demoDir = path.resolve(process.env.DEMO_DIR ?? path.join(root, ".data"));
const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: process.env.PGLITE_DIR ?? path.join(demoDir, "pglite") };
const marker = path.join(demoDir, "demo-ready.json");
const sharedData = path.resolve(process.env.SHARED_DATA_DIR ?? path.join(root, "..", "shared", "data"));
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const nextBin = path.join(root, "node_modules", ".bin", "next");
const children = new Set<ChildProcess>();

function step(title: string, command: string, args: string[]) {
  const started = Date.now();
  console.log(`${clock()} ▶ ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}); delete ${demoDir} to start over.`);
    stopAll();
    process.exit(1);
  }
  console.log(`${clock()} ✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Kills a child and its own children (each runs in its own process group: next start forks next-server). */
function kill(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
function stopAll() {
  for (const c of children) kill(c, "SIGTERM");
  setTimeout(() => {
    for (const c of children) kill(c, "SIGKILL");
  }, 5000).unref();
}

/** `next build` in the background, output to DEMO_DIR/build.log; resolves when it ends. */
function startBuild(): Promise<void> {
  if (fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return Promise.resolve();
  console.log(`${clock()} ▶ build the app (in the background; output in ${path.join(demoDir, "build.log")})`);
  const log = fs.openSync(path.join(demoDir, "build.log"), "w");
  // The build must not open the demo's database while the data step holds it.
  const build = spawn(nextBin, ["build"], { stdio: ["ignore", log, log], env: { ...env, PGLITE_DIR: "memory://", DEMO_BUILD: "1" }, detached: true });
  children.add(build);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    build.on("exit", (code) => {
      children.delete(build);
      if (code === 0) {
        console.log(`${clock()} ✔ build the app (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        resolve();
      } else reject(new Error(`next build failed (exit ${code}); see ${path.join(demoDir, "build.log")}`));
    });
  });
}

function setup() {
  const size = values.small ? ["--customers", "3000", "--transactions", "120000"] : [];
  const bank = path.join(demoDir, "synthetic");
  step("write the synthetic bank's files", tsx, ["scripts/generate.ts", "--out", bank, "--no-load", ...size]);
  const allNow = values["setup-only"] ? ["--all-now"] : [];
  step("load the featured merchants, queue the rest", tsx, ["scripts/demo-prepare.ts", "--bank", bank, "--shared", sharedData, ...allNow]);
  step("create demo users", tsx, ["scripts/demo-users.ts", "--quiet"]);
  fs.writeFileSync(marker, JSON.stringify({ preparedAt: new Date().toISOString(), small: values.small, accounts: true, competitorReports: true, queue: true, disclosure: 3 }, null, 2));
}

async function waitForServer(port: string, server: ChildProcess): Promise<void> {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited (code ${server.exitCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/login`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  fs.mkdirSync(demoDir, { recursive: true });
  process.on("SIGINT", () => {
    stopAll();
    process.exit(130);
  });
  process.on("SIGTERM", () => {
    stopAll();
    process.exit(143);
  });
  const build = values["setup-only"] ? Promise.resolve() : startBuild();
  build.catch(() => {}); // reported where awaited
  if (fs.existsSync(marker)) {
    console.log(`Reusing the demo database in ${demoDir} (delete that folder to start over).`);
    const ready = JSON.parse(fs.readFileSync(marker, "utf8")) as { accounts?: boolean; queue?: boolean };
    // Databases prepared before the job queue existed get its schema (and older ones the accounts).
    if (!ready.queue || !ready.accounts) {
      step("migrate the embedded database", tsx, ["scripts/migrate.ts"]);
      if (!ready.accounts) step("create demo users and plans", tsx, ["scripts/demo-users.ts", "--quiet"]);
      fs.writeFileSync(marker, JSON.stringify({ ...ready, accounts: true, queue: true }, null, 2));
    }
  } else {
    setup();
  }
  if (values["setup-only"]) {
    // No server: work the queue here until the background loads and models are done.
    step("load the rest and fit every merchant's models", tsx, ["scripts/worker.ts", "--once"]);
    fs.writeFileSync(marker, JSON.stringify({ ...JSON.parse(fs.readFileSync(marker, "utf8")), models: true, findings: true }, null, 2));
    return;
  }
  await build;
  // Invitation links are minted at delivery from APP_URL (lib/mail/delivery.ts); the demo's
  // mailbox is a folder of JSON files unless SMTP is configured.
  // `next start` runs in production mode, where alert and digest e-mails refuse to go out without
  // UNSUBSCRIBE_SECRET (lib/mail/unsubscribe.ts): the demo keeps a generated one beside the auth secret.
  const serverEnv = {
    ...env,
    APP_URL: env.APP_URL ?? `http://localhost:${values.port}`,
    MAIL_CAPTURE_DIR: env.MAIL_CAPTURE_DIR ?? path.join(demoDir, "mail"),
    UNSUBSCRIBE_SECRET: env.UNSUBSCRIBE_SECRET || generatedSecret(path.join(root, ".data", "unsubscribe-secret")),
  };
  console.log(`Invitation e-mails are delivered as JSON files into ${serverEnv.MAIL_CAPTURE_DIR}`);
  const server = spawn(nextBin, ["start", "-p", values.port], { stdio: ["ignore", "pipe", "inherit"], env: serverEnv, detached: true });
  children.add(server);
  server.stdout?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (/worker|error/i.test(line)) console.log(`  [server] ${line}`);
  });
  server.on("exit", (code) => {
    children.delete(server);
    process.exit(code ?? 0);
  });
  await waitForServer(values.port, server);
  console.log(`${clock()} ✔ serving on http://localhost:${values.port}`);
  console.log("  Merchants still being prepared show a notice on their pages; the bank admin sees the progress at /admin/queue.");
  spawnSync(tsx, ["scripts/demo-users.ts", "--print-only"], { stdio: "inherit", env });
  console.log("\nCtrl-C stops the demo (and the server).");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  stopAll();
  process.exit(1);
});
