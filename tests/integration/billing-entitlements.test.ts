/**
 * Entitlements, table-driven: each plan sees exactly its features through the three doors —
 * route handlers (the real app/api modules), pages (requireMerchantPage with { feature }, and
 * the page files naming their feature), and the CLI (scripts/cli.ts main). Also: merchants that
 * were never onboarded (bank data) are unrestricted; a canceled subscription and an expired trial
 * lock every feature.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { merchantAccounts } from "@/db/schema";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));
vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database!, closeDatabase: async () => {} };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const { setPlanIn, FEATURES, PLAN_FEATURES } = await import("@/lib/billing");
const { requireMerchantPage } = await import("@/lib/auth/access");
const { main } = await import("../../scripts/cli");

type Feature = (typeof FEATURES)[number];
type Case = "start" | "pro" | "business" | "bank" | "canceled" | "trial_expired";

let database: Database;
const merchants = {} as Record<Case, { id: number; slug: string; ownerId: string }>;

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  for (const c of ["start", "pro", "business", "bank", "canceled", "trial_expired"] as Case[]) {
    const m = await seedMerchant(database, `Plan ${c}`, 2);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    merchants[c] = { id: m.id, slug: m.slug, ownerId: owner.id };
    if (c === "start" || c === "pro" || c === "business") await setPlanIn(database.db, m.id, { plan: c, trial: false }, null);
    if (c === "canceled") {
      await setPlanIn(database.db, m.id, { plan: "pro", trial: false }, null);
      await database.db.update(merchantAccounts).set({ status: "canceled" }).where(eq(merchantAccounts.merchantId, m.id));
    }
    if (c === "trial_expired") {
      await setPlanIn(database.db, m.id, { plan: "business", trial: true }, null, new Date(Date.now() - 15 * 86_400_000));
    }
  }
}, 120_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  state.session = null;
});

/** What each case must see: the plan's features, all for bank data, none when lapsed. */
function expected(c: Case): Set<Feature> {
  if (c === "bank") return new Set(FEATURES);
  if (c === "canceled" || c === "trial_expired") return new Set();
  return new Set(PLAN_FEATURES[c]);
}

it("the plans are cumulative and exactly as sold", () => {
  expect([...PLAN_FEATURES.start]).toEqual(["overview", "customers", "seasonality"]);
  expect([...PLAN_FEATURES.pro]).toEqual(["overview", "customers", "seasonality", "value", "churn", "segments", "competitors", "forecasts", "findings", "alerts", "digest"]);
  expect([...PLAN_FEATURES.business]).toEqual([...PLAN_FEATURES.pro, "campaigns", "exports"]);
});

// Each gated route today, with the feature it shows and its status when allowed for a merchant
// without model runs (the seeds have none: model routes answer 200 with run null, the CSV 404).
// Since ADR 0008 the views are served by the [view] catch-all (and its /export), campaigns/ by its
// static folder; each entry is the module and the params it is called with.
type RouteModule = { GET: (req: Request, ctx: { params: Promise<{ slug: string; view?: string }> }) => Promise<Response> };
const VIEW = () => import("@/app/api/m/[slug]/[view]/route");
const EXPORT = () => import("@/app/api/m/[slug]/[view]/export/route");
const MODULES: Record<string, () => Promise<RouteModule>> = {
  overview: VIEW,
  dynamics: VIEW,
  cohorts: VIEW,
  "regular-customers": VIEW,
  segments: VIEW,
  seasonality: VIEW,
  "customer-value": VIEW,
  churn: VIEW,
  "segment-tree": VIEW,
  "churn/export": EXPORT,
  campaigns: () => import("@/app/api/m/[slug]/campaigns/route"),
  competitors: VIEW,
  findings: VIEW,
  forecast: VIEW,
};
const ROUTES: Array<{ feature: Feature; route: string; query: string; allowed: number }> = [
  { feature: "overview", route: "overview", query: "?from=2024-03-01&to=2024-03-03", allowed: 200 },
  { feature: "overview", route: "dynamics", query: "?from=2024-03-01&to=2024-03-03", allowed: 200 },
  { feature: "customers", route: "cohorts", query: "?from=2024-03-01&to=2024-03-03", allowed: 200 },
  { feature: "customers", route: "regular-customers", query: "?from=2024-03-01&to=2024-03-03", allowed: 200 },
  { feature: "customers", route: "segments", query: "?from=2024-03-01&to=2024-03-03", allowed: 200 },
  { feature: "seasonality", route: "seasonality", query: "?from=2024-03-01&to=2024-03-03", allowed: 200 },
  { feature: "value", route: "customer-value", query: "", allowed: 200 },
  { feature: "churn", route: "churn", query: "", allowed: 200 },
  { feature: "segments", route: "segment-tree", query: "", allowed: 200 },
  { feature: "exports", route: "churn/export", query: "", allowed: 404 },
  { feature: "campaigns", route: "campaigns", query: "", allowed: 200 },
  { feature: "competitors", route: "competitors", query: "?from=2024-03-01&to=2024-04-01", allowed: 200 },
  { feature: "findings", route: "findings", query: "", allowed: 200 },
  { feature: "forecasts", route: "forecast", query: "", allowed: 200 },
];

describe.each(["start", "pro", "business", "bank", "canceled", "trial_expired"] as Case[])("%s", (c) => {
  it("routes: allowed features answer, locked ones 403 with the plan that unlocks them", async () => {
    const m = merchants[c];
    state.session = { user: { id: m.ownerId } };
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const r of ROUTES) {
      const mod = await MODULES[r.route]();
      const view = r.route.split("/")[0];
      const res = await mod.GET(new Request(`http://localhost/api/m/${m.slug}/${r.route}${r.query}`), { params: Promise.resolve({ slug: m.slug, view }) });
      got[r.route] = res.status;
      want[r.route] = expected(c).has(r.feature) ? r.allowed : 403;
      if (res.status === 403) {
        const body = await res.json();
        expect(body).toMatchObject({ error: "feature locked", feature: r.feature });
        expect(["start", "pro", "business"]).toContain(body.requiredPlan);
      }
    }
    expect(got).toEqual(want);
  });

  it("pages: requireMerchantPage lets allowed features through and sends locked ones to the locked view", async () => {
    const m = merchants[c];
    state.session = { user: { id: m.ownerId } };
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const feature of FEATURES) {
      want[feature] = expected(c).has(feature) ? "ok" : `/m/${m.slug}/upgrade?feature=${feature}`;
      try {
        await requireMerchantPage(m.slug, { feature });
        got[feature] = "ok";
      } catch (err) {
        const digest = String((err as { digest?: string }).digest ?? err);
        got[feature] = digest.split(";")[2] ?? digest;
      }
    }
    expect(got).toEqual(want);
  });

  it("CLI: locked commands exit 3 naming the plan; allowed ones run", async () => {
    const m = merchants[c];
    const run = async (args: string[]) => {
      const err: string[] = [];
      const code = await main(args, { out: () => {}, err: (t) => err.push(t) });
      return { code, err: err.join("\n") };
    };
    const commands: Array<{ feature: Feature; args: string[]; allowed: number }> = [
      { feature: "overview", args: ["metrics", "--merchant", m.slug, "--from", "2024-03-01", "--to", "2024-03-03", "--json"], allowed: 0 },
      // No model runs in these seeds: allowed means "no succeeded run yet" (exit 2), not locked (3).
      { feature: "value", args: ["ltv", "--merchant", m.slug, "--json"], allowed: 2 },
      { feature: "churn", args: ["churn", "--merchant", m.slug, "--json"], allowed: 2 },
      { feature: "segments", args: ["segments", "--merchant", m.slug, "--json"], allowed: 2 },
      { feature: "campaigns", args: ["campaign", "list", "--merchant", m.slug, "--json"], allowed: 0 },
      { feature: "findings", args: ["findings", "--merchant", m.slug, "--json"], allowed: 2 },
      { feature: "forecasts", args: ["forecast", "--merchant", m.slug, "--json"], allowed: 2 },
      { feature: "competitors", args: ["benchmarks", "--merchant", m.slug, "--from", "2024-03-01", "--to", "2024-04-01", "--json"], allowed: 0 },
    ];
    for (const cmd of commands) {
      const { code, err } = await run(cmd.args);
      if (expected(c).has(cmd.feature)) {
        expect(code, `${cmd.args[0]}: ${err}`).toBe(cmd.allowed);
      } else {
        expect(code, cmd.args[0]).toBe(3);
        expect(err).toMatch(new RegExp(`"${cmd.feature}" is not included in the merchant's current plan; it needs the (pro|start|business) plan`));
      }
    }
  });
});

it("every gated page file names its feature through the one option", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const read = (p: string) => fs.readFileSync(path.join(root, p), "utf8");
  expect(read("app/m/[slug]/page.tsx")).toContain('{ feature: "overview" }');
  expect(read("app/m/[slug]/customers/page.tsx")).toContain('{ feature: "customers" }');
  expect(read("app/m/[slug]/seasonality/page.tsx")).toContain('{ feature: "seasonality" }');
  // value, churn and segments go through ModelRunPage, whose namespace is the feature key.
  expect(read("app/m/[slug]/model-run-page.tsx")).toContain("requireMerchantPage(slug, { feature: namespace })");
  for (const f of ["value", "churn", "segments"]) expect(read(`app/m/[slug]/${f}/page.tsx`)).toContain(`namespace="${f}"`);
  expect(read("app/m/[slug]/campaigns/page.tsx")).toContain('{ feature: "campaigns" }');
  expect(read("app/m/[slug]/competitors/page.tsx")).toContain('{ feature: "competitors" }');
  expect(read("app/m/[slug]/findings/page.tsx")).toContain('{ feature: "findings" }');
  expect(read("app/m/[slug]/offers/page.tsx")).toContain('{ feature: "campaigns" }');
  // a campaign's report and an offer's result go through RunPage, which gates on "campaigns"
  expect(read("app/m/[slug]/run-page.tsx")).toContain('requireMerchantPage(slug, { feature: "campaigns" })');
  for (const f of ["campaigns", "offers"]) expect(read(`app/m/[slug]/${f}/[id]/page.tsx`)).toContain("<RunPage params={params}");
});
