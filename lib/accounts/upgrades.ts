/**
 * Upgrade requests (issue 19, item 6): a merchant owner asks for a higher plan in one click; the
 * merchant's relationship managers get an e-mail (the outbox) and see the request in their
 * portfolio until a plan at or above it is set (lib/billing setPlanIn closes it). Bank-managed
 * billing only asks; with Stripe the owner subscribes directly on the billing page.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, upgradeRequests, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { MerchantAccess } from "@/lib/auth/access";
import { PLAN_IDS, PLAN_PRICES, type PlanId } from "@/lib/billing/plans";
import { formatMoney } from "@/lib/format";
import { mailTranslator, queueEmail } from "@/lib/mail";
import { AccountError } from "./errors";

type UpgradeAccess = Pick<MerchantAccess, "actor" | "merchant" | "role" | "entitlements">;

/** What the owner sees after asking: the plan asked for, when, and how many managers were told. */
export interface UpgradeRequestResult {
  plan: PlanId;
  requestedAt: Date;
  /** Relationship managers e-mailed (0 when the merchant has none: the bank's admins see it in the portfolio). */
  notified: number;
}

/**
 * Records a request for `plan` by the merchant's owner and e-mails each relationship manager of
 * the merchant, in one transaction. Asking again while a request is open replaces its plan.
 *
 * @throws AccountError not_allowed (403) unless the actor is the merchant's owner;
 *         invalid_input (400) for a plan that is not above the current one. Nothing is written then.
 */
export async function requestUpgrade(database: Database, access: UpgradeAccess, plan: PlanId, origin: string): Promise<UpgradeRequestResult> {
  if (access.role !== "merchant_owner") throw new AccountError("not_allowed", "only the merchant's owner can request another plan");
  const current = access.entitlements.plan;
  if (!PLAN_IDS.includes(plan) || (current !== null && PLAN_IDS.indexOf(plan) <= PLAN_IDS.indexOf(current))) {
    throw new AccountError("invalid_input", `plan ${JSON.stringify(plan)} is not above the current plan ${current ?? "(none)"}`);
  }
  return database.db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: upgradeRequests.id })
      .from(upgradeRequests)
      .where(and(eq(upgradeRequests.merchantId, access.merchant.id), isNull(upgradeRequests.closedAt)));
    const requestedAt = new Date();
    if (open) {
      await tx.update(upgradeRequests).set({ plan, requestedAt, requestedBy: access.actor.userId }).where(eq(upgradeRequests.id, open.id));
    } else {
      await tx.insert(upgradeRequests).values({ merchantId: access.merchant.id, plan, requestedBy: access.actor.userId, requestedAt });
    }
    const managers = await tx
      .select({ email: users.email, locale: users.locale })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.merchantId, access.merchant.id), eq(memberships.role, "relationship_manager")));
    for (const m of managers) {
      const t = mailTranslator(m.locale);
      const values = {
        merchant: access.merchant.name,
        owner: access.actor.email,
        plan: t(`upgrade.plan.${plan}`),
        price: formatMoney(PLAN_PRICES[plan].monthlyMinor, PLAN_PRICES[plan].currency, m.locale),
        link: `${origin}/portfolio`,
      };
      await queueEmail(tx, { kind: "notice", to: m.email, subject: t("upgrade.subject", values), text: t("upgrade.body", values), merchantId: access.merchant.id });
    }
    await recordAudit(tx, {
      actor: { userId: access.actor.userId, email: access.actor.email },
      action: "upgrade.request",
      merchantId: access.merchant.id,
      target: plan,
      details: { from: current, notified: managers.length },
    });
    return { plan, requestedAt, notified: managers.length };
  });
}
