/**
 * Creates the demo users (idempotent) and prints them with their passwords. Demo mode only:
 * these passwords are public. `--print-only` prints without touching the database.
 */
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/db/client";
import { createUser, findUserByEmail, grantMembership } from "@/lib/auth/users";
import { listMerchants } from "@/lib/ingest";
import type { MerchantRole } from "@/db/schema";

const PASSWORD = "demo-password-2026";

interface DemoUser {
  email: string;
  name: string;
  bankRole?: "bank_admin";
  locale: "en" | "ru";
  /** merchant slugs (or "portfolio" for the RM's pick) and the role on each */
  grants: (slugs: string[]) => Array<{ slug: string; role: MerchantRole }>;
}

const DEMO_USERS: DemoUser[] = [
  { email: "admin@bank.demo", name: "Bank Admin", bankRole: "bank_admin", locale: "en", grants: () => [] },
  {
    email: "rm@bank.demo",
    name: "Relationship Manager",
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
    grants: (slugs) => {
      const first = slugs.find((s) => s !== "online-retail" && s !== "cdnow");
      return first ? [{ slug: first, role: "merchant_owner" }] : [];
    },
  },
];

function print() {
  console.log("\nDemo users (demo mode only; password for all: " + PASSWORD + "):");
  for (const u of DEMO_USERS) console.log(`  ${u.email.padEnd(28)} ${u.bankRole ?? "see memberships"}`);
}

async function main() {
  const { values } = parseArgs({ options: { "print-only": { type: "boolean", default: false } } });
  if (values["print-only"]) return print();
  const database = await getDatabase();
  const all = await listMerchants(database);
  const slugs = all.map((m) => m.slug);
  const idBySlug = new Map(all.map((m) => [m.slug, m.id]));
  for (const u of DEMO_USERS) {
    const existing = await findUserByEmail(database, u.email);
    const userId = existing?.id ?? (await createUser(database, { email: u.email, password: PASSWORD, name: u.name, bankRole: u.bankRole ?? null, locale: u.locale }));
    for (const g of u.grants(slugs)) await grantMembership(database, userId, idBySlug.get(g.slug)!, g.role);
  }
  await closeDatabase();
  print();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
