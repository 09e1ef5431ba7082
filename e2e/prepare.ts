/**
 * Prepares the e2e database before Playwright starts the server (PGlite admits one process per
 * data dir, so nothing may touch it once `next start` runs): a small demo bank in .data/e2e, and
 * the CLI's figures for the periods the e2e checks, written to test-results/e2e-expected.json.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const demoDir = path.join(root, ".data", "e2e");
const env = { ...process.env, DEMO_DIR: demoDir, PGLITE_DIR: path.join(demoDir, "pglite"), DATABASE_URL: "", OFFER_DELIVERY_DIR: path.join(demoDir, "offer-deliveries") };
const tsx = path.join(root, "node_modules", ".bin", "tsx");

// The demo's setup ends by running the model jobs (scripts/demo.ts); a database prepared before
// that step existed (its marker lacks `models`) has no model runs, so it is rebuilt.
const marker = path.join(demoDir, "demo-ready.json");
// Likewise a database from before accounts and billing (`accounts`), before the forecast and
// findings jobs (`findings`), before the stored Competitors reports (`competitorReports`) or
// before the release model of issue 13 and the models of issue 19 (`disclosure: 3`: churn runs of
// format 4, CLV runs of format 2 (MBG/NBD), noisy reports).
const markerJson = fs.existsSync(marker)
  ? (JSON.parse(fs.readFileSync(marker, "utf8")) as {
      models?: boolean;
      accounts?: boolean;
      findings?: boolean;
      competitorReports?: boolean;
      disclosure?: number;
      queue?: boolean;
    })
  : null;
// …and before the job queue (`queue`: the server's worker needs its schema).
const ready =
  markerJson?.models === true &&
  markerJson.accounts === true &&
  markerJson.findings === true &&
  markerJson.competitorReports === true &&
  markerJson.disclosure === 3 &&
  markerJson.queue === true;
if (!ready) {
  fs.rmSync(demoDir, { recursive: true, force: true });
  execFileSync(tsx, ["scripts/demo.ts", "--setup-only", "--small"], { stdio: "inherit", env });
} else {
  // A database prepared before a later migration (e.g. the win-back curve's table) gets it now.
  execFileSync(tsx, ["scripts/migrate.ts"], { stdio: "inherit", env });
}

function cli(args: string[]) {
  return JSON.parse(execFileSync(tsx, ["scripts/cli.ts", ...args], { env, encoding: "utf8" }));
}

const merchants: Array<{ slug: string }> = cli(["merchants", "--json"]);
const slugs = merchants.map((m) => m.slug);
const hasRetail = slugs.includes("online-retail");
const owner = hasRetail
  ? { email: "owner@online-retail.demo", slug: "online-retail", from: "2011-11-01", to: "2011-12-01" }
  : { email: "owner@synthetic.demo", slug: slugs.sort()[0], from: "2026-09-01", to: "2026-10-01" };
const other = hasRetail ? "cdnow" : slugs.sort()[1];

// Offers (e2e/offers.spec.ts), first, before any figure below is read: one offer created,
// delivered, its planted outcome loaded (lib/synthetic/offers.ts, through the ordinary ingest) and
// measured, then the queue the ingest filled (model refits) drained by the worker, so every figure
// and finding the other specs compare is read after the outcome exists. The offer runs on CDNOW,
// whose owner no other spec signs in as (the dashboard and API specs only check that the Online
// Retail owner gets a 404 there; the sweep checks layout, not figures). Without ../shared/data
// there is no CDNOW: the spec skips and says so.
let offers: { email: string; slug: string; measuredId: number; deliveryDir: string } | null = null;
if (slugs.includes("cdnow")) {
  const offerSlug = "cdnow";
  const listed: Array<{ id: number; status: string }> = cli(["offers", "list", "--merchant", offerSlug, "--json"]);
  let measuredId = listed.find((o) => o.status === "measured")?.id ?? null;
  if (measuredId === null) {
    const created: { offerId: number } = cli([
      "offers", "create", "--merchant", offerSlug, "--name", "E2E summer cashback", "--audience", "all", "--terms", "cashback:5:100000",
      "--from", "next", "--days", "28", "--budget", "100000000000", "--metric", "revenue", "--seed", "7", "--json",
    ]);
    measuredId = created.offerId;
    execFileSync(tsx, ["scripts/cli.ts", "offers", "deliver", "--id", String(measuredId)], { env, stdio: "inherit" });
    execFileSync(tsx, ["scripts/cli.ts", "offers", "simulate", "--id", String(measuredId)], { env, stdio: "inherit" });
    cli(["offers", "report", "--id", String(measuredId), "--measure", "--force", "--json"]);
    // The outcome's ingest queued CDNOW's model refits: run them now (PGlite: the worker drains and exits).
    execFileSync(tsx, ["scripts/worker.ts", "--once"], { env, stdio: "inherit" });
  }
  offers = { email: "owner@cdnow.demo", slug: offerSlug, measuredId, deliveryDir: env.OFFER_DELIVERY_DIR };
}
const metrics = cli(["metrics", "--merchant", owner.slug, "--from", owner.from, "--to", owner.to, "--json"]);
// Competitors (e2e/competitors.spec.ts): a synthetic merchant whose peer group passes the rules.
const competitorSlug = slugs.includes("msk-grocery-1") ? "msk-grocery-1" : null;
const competitors = competitorSlug
  ? {
      slug: competitorSlug,
      from: "2026-09-01",
      to: "2026-10-01",
      report: cli(["benchmarks", "--merchant", competitorSlug, "--from", "2026-09-01", "--to", "2026-10-01", "--json"]),
    }
  : null;

// Accounts (e2e/onboarding.spec.ts): the Start-plan merchant's owner, and the MCC of a merchant
// that is still bank data (not onboarded), for the RM's onboarding search.
const plans: Array<{ merchant: string; mcc: string; plan: string | null; source: string }> = cli(["plan", "--json"]);
const prospect = plans.find((p) => p.source === "bank");
const accounts = { startOwner: "owner@start.demo", startSlug: plans.find((p) => p.plan === "start")?.merchant ?? null, prospectMcc: prospect?.mcc ?? null };

const findingsRun: { summary: { findings: Array<{ text: { headline: string } }> } } = cli(["findings", "--merchant", owner.slug, "--json"]);
const findings = { count: findingsRun.summary.findings.length, headlines: findingsRun.summary.findings.slice(0, 3).map((f) => f.text.headline) };

fs.mkdirSync(path.join(root, "test-results"), { recursive: true });
fs.writeFileSync(
  path.join(root, "test-results", "e2e-expected.json"),
  JSON.stringify({ owner, otherSlug: other, metrics, competitors, findings, password: "demo-password-2026", accounts, offers }, null, 2),
);
console.log(`e2e prepared: owner ${owner.email} on ${owner.slug}, other merchant ${other}`);
