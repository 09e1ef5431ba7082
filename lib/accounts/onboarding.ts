/**
 * Partner onboarding by a relationship manager (or bank admin): find the bank's merchant ids,
 * create or adopt the merchant, choose the plan or trial, invite the owner. One transaction:
 * a failure at any step (a taken id, a bad e-mail) leaves nothing behind, not even the e-mail.
 *
 * "Onboarded" is a merchant_accounts row (docs/adr/0005-accounts-billing.md). The bank's
 * merchants file (lib/ingest) keeps creating merchant rows with their bank ids; those rows are
 * bank data (peers in benchmarks) until onboarded. Onboarding therefore either adopts the one
 * merchant row the chosen ids already belong to (its currency and time zone are fixed by the
 * data already loaded) or creates a new merchant for ids the bank has not loaded yet; ids that
 * belong to two different merchant rows are refused (merging loaded merchants would rewrite
 * their rollups: out of scope).
 */
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { merchantAccounts, merchantBankIds, memberships, merchants, type PlanId } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { setPlanIn, isPlanId } from "@/lib/billing";
import { ensureMerchant, type MerchantSpec } from "@/lib/ingest";
import { merchantSpecProblems } from "@/lib/ingest/merchants";
import { BANK_ID, BANK_ID_RULE } from "@/lib/ingest/validate";
import type { Actor } from "@/lib/auth/access";
import { normaliseEmail } from "@/lib/auth/users";
import { AccountError } from "./errors";
import { createInvitationIn } from "./invitations";

function isBankStaff(actor: Pick<Actor, "bankRole">): boolean {
  return actor.bankRole === "bank_admin" || actor.bankRole === "relationship_manager";
}

function assertBankStaff(actor: Actor): void {
  if (!isBankStaff(actor)) throw new AccountError("not_allowed", "only bank staff can do this");
}

/** A bank merchant as the onboarding search shows it (identity only, no transaction data). */
export interface BankMerchantHit {
  merchantId: number;
  slug: string;
  name: string;
  mcc: string;
  city: string | null;
  country: string;
  timeZone: string;
  currency: string;
  bankMerchantIds: string[];
  /** The plan when onboarded, else null. */
  plan: PlanId | null;
}

/**
 * Searches the bank's merchants by name (substring, case-insensitive), MCC (exact), city
 * (substring) or bank merchant id (exact), any combination; at most `limit` (≤ 100) by name.
 * Bank staff only (a relationship manager searches the whole bank: finding new partners is the job).
 * @throws AccountError not_allowed for anyone else
 */
export async function searchBankMerchants(
  database: Database,
  actor: Actor,
  query: { q?: string; mcc?: string; city?: string; limit?: number },
): Promise<BankMerchantHit[]> {
  assertBankStaff(actor);
  const conditions: SQL[] = [];
  const q = query.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        ilike(merchants.name, like),
        ilike(merchants.slug, like),
        sql`exists (select 1 from merchant_bank_ids b where b.merchant_id = ${merchants.id} and b.bank_merchant_id = ${q})`,
      )!,
    );
  }
  if (query.mcc?.trim()) conditions.push(eq(merchants.mcc, query.mcc.trim()));
  if (query.city?.trim()) conditions.push(ilike(merchants.city, `%${query.city.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
  const rows = await database.db
    .select({
      merchantId: merchants.id,
      slug: merchants.slug,
      name: merchants.name,
      mcc: merchants.mcc,
      city: merchants.city,
      country: merchants.country,
      timeZone: merchants.timeZone,
      currency: merchants.currency,
      plan: merchantAccounts.plan,
    })
    .from(merchants)
    .leftJoin(merchantAccounts, eq(merchantAccounts.merchantId, merchants.id))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(merchants.name), asc(merchants.slug))
    .limit(limit);
  const ids = rows.length
    ? await database.db
        .select()
        .from(merchantBankIds)
        .where(inArray(merchantBankIds.merchantId, rows.map((r) => r.merchantId)))
        .orderBy(asc(merchantBankIds.bankMerchantId))
    : [];
  return rows.map((r) => ({ ...r, plan: r.plan ?? null, bankMerchantIds: ids.filter((i) => i.merchantId === r.merchantId).map((i) => i.bankMerchantId) }));
}

export interface OnboardingInput {
  bankMerchantIds: string[];
  name: string;
  mcc: string;
  timeZone: string;
  currency: string;
  country?: string;
  city?: string | null;
  plan: PlanId;
  trial: boolean;
  ownerEmail: string;
  locale?: "en" | "ru";
}

/** A URL-safe slug from a name ("Café Nord" -> "cafe-nord"), "merchant" when nothing is left. */
function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50);
  return base || "merchant";
}

/**
 * Onboards a merchant (see the module comment). A relationship manager may adopt a bank merchant
 * only when a bank admin has assigned it to their portfolio; its name and MCC stay the bank's
 * (the form's are used only for a merchant created for ids the bank has not loaded). Grants the
 * acting relationship manager a newly created merchant in their portfolio, sets the plan (trial of TRIAL_DAYS or active), queues the owner's
 * invitation e-mail, and records "merchant.onboard".
 * @returns the merchant's id and slug, and the invitation link (for tests; the UI reads the outbox)
 * @throws AccountError not_allowed (not bank staff, or an RM adopting an unassigned merchant) | invalid_input | ids_span_merchants | already_onboarded |
 *   currency_or_zone_mismatch; nothing is written then
 */
export async function onboardMerchant(
  database: Database,
  actor: Actor,
  input: OnboardingInput,
  baseUrl: string,
): Promise<{ merchantId: number; slug: string; name: string; invitationLink: string }> {
  assertBankStaff(actor);
  const ids = [...new Set((input.bankMerchantIds ?? []).map((id) => String(id).trim()).filter(Boolean))];
  const problems: string[] = [];
  if (ids.length === 0) problems.push("at least one bank merchant id is required");
  for (const id of ids) if (!BANK_ID.test(id)) problems.push(`bank merchant id ${JSON.stringify(id)} ${BANK_ID_RULE}`);
  if (!isPlanId(input.plan)) problems.push(`unknown plan ${JSON.stringify(input.plan)}`);
  let ownerEmail = "";
  try {
    ownerEmail = normaliseEmail(input.ownerEmail);
  } catch {
    problems.push(`owner e-mail ${JSON.stringify(input.ownerEmail)} is not a valid address`);
  }
  const spec: MerchantSpec = {
    slug: slugify(input.name),
    name: String(input.name ?? "").trim(),
    mcc: String(input.mcc ?? "").trim(),
    timeZone: String(input.timeZone ?? "").trim(),
    currency: String(input.currency ?? "").trim().toUpperCase(),
    country: (input.country ?? "RU").trim().toUpperCase(),
    city: input.city?.trim() || null,
  };
  for (const [column, reason] of merchantSpecProblems(spec)) if (column !== "slug") problems.push(`${column}: ${reason}`);
  if (problems.length) throw new AccountError("invalid_input", problems.join("; "));

  return database.db.transaction(async (tx) => {
    const mapped = await tx.select().from(merchantBankIds).where(inArray(merchantBankIds.bankMerchantId, ids));
    const owners = [...new Set(mapped.map((m) => m.merchantId))];
    if (owners.length > 1) {
      throw new AccountError("ids_span_merchants", `the bank merchant ids belong to ${owners.length} different merchants; onboard them one merchant at a time`);
    }
    let merchantId: number;
    let slug: string;
    let merchantName = spec.name;
    if (owners.length === 1) {
      const [m] = await tx.select().from(merchants).where(eq(merchants.id, owners[0])).limit(1);
      const [account] = await tx.select({ id: merchantAccounts.merchantId }).from(merchantAccounts).where(eq(merchantAccounts.merchantId, m.id)).limit(1);
      if (account) throw new AccountError("already_onboarded", `${m.name} is already onboarded`);
      // Issue 14 item 5: a relationship manager adopts only a merchant the bank assigned to them
      // (a bank admin's portfolio assignment, /admin/staff), never any bank merchant they find.
      if (actor.bankRole === "relationship_manager") {
        const [assigned] = await tx
          .select({ role: memberships.role })
          .from(memberships)
          .where(and(eq(memberships.userId, actor.userId), eq(memberships.merchantId, m.id), eq(memberships.role, "relationship_manager")))
          .limit(1);
        if (!assigned) {
          throw new AccountError("not_allowed", `${m.name} is not in your portfolio; a bank admin assigns the bank's merchants to relationship managers (Staff and portfolios)`);
        }
      }
      if (m.currency !== spec.currency || m.timeZone !== spec.timeZone) {
        throw new AccountError(
          "currency_or_zone_mismatch",
          `${m.name}'s data is loaded in ${m.currency} and ${m.timeZone}; the currency and time zone must stay ${m.currency} and ${m.timeZone}`,
        );
      }
      // The bank's name and MCC stay the bank's: the MCC places the merchant in its peer group
      // (lib/privacy), so onboarding must not move it; only a missing city is filled in.
      if (m.city === null && spec.city) await tx.update(merchants).set({ city: spec.city }).where(eq(merchants.id, m.id));
      merchantName = m.name;
      const unmapped = ids.filter((id) => !mapped.some((x) => x.bankMerchantId === id));
      if (unmapped.length) await tx.insert(merchantBankIds).values(unmapped.map((bankMerchantId) => ({ bankMerchantId, merchantId: m.id })));
      merchantId = m.id;
      slug = m.slug;
    } else {
      let candidate = spec.slug;
      for (let n = 2; (await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.slug, candidate)).limit(1)).length; n += 1) {
        candidate = `${spec.slug}-${n}`;
      }
      const created = await ensureMerchant(tx, { ...spec, slug: candidate, bankMerchantIds: ids });
      merchantId = created.id;
      slug = created.slug;
    }
    const who = { userId: actor.userId, email: actor.email };
    await setPlanIn(tx, merchantId, { plan: input.plan, trial: input.trial }, who);
    if (actor.bankRole === "relationship_manager") {
      await tx.insert(memberships).values({ userId: actor.userId, merchantId, role: "relationship_manager" }).onConflictDoNothing();
    }
    const invitation = await createInvitationIn(tx, {
      email: ownerEmail,
      role: "merchant_owner",
      merchantId,
      merchantName,
      invitedBy: who,
      baseUrl,
      locale: input.locale,
    });
    await recordAudit(tx, { actor: who, action: "merchant.onboard", merchantId, target: slug, details: { bankMerchantIds: ids, plan: input.plan, trial: input.trial, owner: ownerEmail } });
    return { merchantId, slug, name: merchantName, invitationLink: invitation.link };
  });
}
