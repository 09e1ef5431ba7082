/**
 * Creates the demo users (idempotent) and prints them with their passwords. Demo mode only:
 * these passwords are public. `--print-only` prints without touching the database.
 */
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/db/client";
import { createUser, findUserByEmail, grantMembership } from "@/lib/auth/users";
import { listMerchants } from "@/lib/ingest";
import { users, type MerchantRole } from "@/db/schema";
import { eq } from "drizzle-orm";
import { setPlanIn, loadAccount, type PlanId } from "@/lib/billing";
import { prioritizeModelJobs } from "@/lib/jobs/outbox";
import fs from "node:fs";
import path from "node:path";

const PASSWORD = "demo-password-2026";
/** The synthetic merchant the demo's synthetic owner holds (a large, well-populated MCC group). */
const FEATURED_SYNTHETIC = "msk-grocery-1";

interface DemoUser {
  email: string;
  name: string;
  bankRole?: "bank_admin" | "relationship_manager";
  locale: "en" | "ru";
  /** merchant slugs (or "portfolio" for the RM's pick) and the role on each */
  grants: (slugs: string[]) => Array<{ slug: string; role: MerchantRole }>;
}

const DEMO_USERS: DemoUser[] = [
  { email: "admin@bank.demo", name: "Bank Admin", bankRole: "bank_admin", locale: "en", grants: () => [] },
  {
    email: "rm@bank.demo",
    name: "Relationship Manager",
    bankRole: "relationship_manager",
    locale: "ru",
    grants: (slugs) =>
      ["online-retail", "cdnow", ...slugs.filter((s) => s !== "online-retail" && s !== "cdnow").slice(0, 8)]
        .filter((s) => slugs.includes(s))
        .map((slug) => ({ slug, role: "relationship_manager" as const })),
  },
  { email: "owner@online-retail.demo", name: "Online Retail Owner", locale: "en", grants: (s) => (s.includes("online-retail") ? [{ slug: "online-retail", role: "merchant_owner" }] : []) },
  { email: "owner@cdnow.demo", name: "CDNOW Owner", locale: "en", grants: (s) => (s.includes("cdnow") ? [{ slug: "cdnow", role: "merchant_owner" }] : []) },
  {
    email: "owner@synthetic.demo",
    name: "Synthetic Merchant Owner",
    locale: "ru",
    // A grocery in Moscow, the best-populated peer group of the synthetic bank, so the featured
    // synthetic owner sees Competitors work on their own data (issue 19: the first synthetic
    // merchant's group was too small and every figure read "Withheld").
    grants: (slugs) => {
      const pick = slugs.includes(FEATURED_SYNTHETIC) ? FEATURED_SYNTHETIC : slugs.find((s) => s !== "online-retail" && s !== "cdnow");
      return pick ? [{ slug: pick, role: "merchant_owner" }] : [];
    },
  },
  {
    // The Start-plan demo merchant: its owner sees the locked views (value, churn, segments, exports).
    email: "owner@start.demo",
    name: "Start Plan Owner",
    locale: "en",
    grants: (slugs) => {
      const slug = startPlanSlug(slugs);
      return slug ? [{ slug, role: "merchant_owner" }] : [];
    },
  },
];

/** The synthetic merchant on the Start plan: the first one outside the RM's default portfolio. */
function startPlanSlug(slugs: string[]): string | undefined {
  return slugs.filter((s) => s !== "online-retail" && s !== "cdnow")[8];
}

/** Where the list of users and their merchants is kept for `--print-only` (the server then owns the database). */
const LIST_FILE = path.join(path.dirname(path.resolve(process.env.PGLITE_DIR ?? path.join(".data", "pglite"))), "demo-users.json");

type Listed = { email: string; role: string; merchants: string[] };

function print() {
  const listed: Listed[] = fs.existsSync(LIST_FILE)
    ? (JSON.parse(fs.readFileSync(LIST_FILE, "utf8")) as Listed[])
    : DEMO_USERS.map((u) => ({ email: u.email, role: u.bankRole ?? "merchant user", merchants: [] }));
  console.log("\nDemo users (demo mode only; password for all: " + PASSWORD + "):");
  for (const u of listed) {
    const what = u.merchants.length === 0 ? u.role : u.merchants.length === 1 ? `${u.role} of ${u.merchants[0]}` : `${u.role}, ${u.merchants.length} merchants (${u.merchants.slice(0, 3).join(", ")}, …)`;
    console.log(`  ${u.email.padEnd(28)} ${what}`);
  }
}

async function main() {
  const { values } = parseArgs({ options: { "print-only": { type: "boolean", default: false }, quiet: { type: "boolean", default: false } } });
  if (values["print-only"]) return print();
  const database = await getDatabase();
  const all = await listMerchants(database);
  const slugs = all.map((m) => m.slug);
  const idBySlug = new Map(all.map((m) => [m.slug, m.id]));
  for (const u of DEMO_USERS) {
    const existing = await findUserByEmail(database, u.email);
    const userId = existing?.id ?? (await createUser(database, { email: u.email, password: PASSWORD, name: u.name, bankRole: u.bankRole ?? null, locale: u.locale }));
    if (existing && (existing.bankRole ?? null) !== (u.bankRole ?? null)) {
      await database.db.update(users).set({ bankRole: u.bankRole ?? null }).where(eq(users.id, existing.id));
    }
    for (const g of u.grants(slugs)) await grantMembership(database, userId, idBySlug.get(g.slug)!, g.role);
  }
  // Plans (lib/billing): every merchant a demo user holds is onboarded on Business, so the demo
  // shows everything it showed before billing existed; one is on Start to show the locked views
  // (and is added to the RM's portfolio). Other merchants stay bank data, ready to be onboarded.
  const start = startPlanSlug(slugs);
  const rm = await findUserByEmail(database, "rm@bank.demo");
  if (start && rm) await grantMembership(database, rm.id, idBySlug.get(start)!, "relationship_manager");
  const held = new Set(DEMO_USERS.flatMap((u) => u.grants(slugs).map((g) => g.slug)));
  for (const slug of held) {
    const id = idBySlug.get(slug)!;
    if (await loadAccount(database.db, id)) continue;
    const plan: PlanId = slug === start ? "start" : "business";
    await database.db.transaction((tx) => setPlanIn(tx, id, { plan, trial: false }, null));
  }
  // The featured merchants' models first: the queue's worker (in the demo's server) takes higher priorities first.
  await prioritizeModelJobs(database.db, [...held].map((slug) => idBySlug.get(slug)!));
  const nameBySlug = new Map(all.map((m) => [m.slug, m.name]));
  const listed: Listed[] = DEMO_USERS.map((u) => {
    const grants = u.grants(slugs);
    const role = u.bankRole === "bank_admin" ? "bank admin (every merchant)" : u.bankRole === "relationship_manager" ? "relationship manager" : grants[0]?.role === "merchant_owner" ? "owner" : "member";
    const merchants = [...grants.map((g) => g.slug), ...(u.email === "rm@bank.demo" && start ? [start] : [])];
    return { email: u.email, role, merchants: [...new Set(merchants)].map((slug) => `${nameBySlug.get(slug) ?? slug} (${slug}${slug === start ? ", Start plan" : ""})`) };
  });
  fs.writeFileSync(LIST_FILE, JSON.stringify(listed, null, 2));
  await closeDatabase();
  if (!values.quiet) print();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
