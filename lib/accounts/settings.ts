/**
 * A merchant's settings (table merchant_settings, drizzle/0029): for now its gross margin, with
 * which the value and churn pages show CLV and revenue at risk in margin instead of revenue
 * (issue 17, "CLV in margin when the merchant gives a margin (default: revenue, said so)").
 *
 * Who may set it: the merchant's owner, its relationship manager and a bank admin; a viewer may
 * not (ForbiddenError). Another merchant's owner never gets a MerchantAccess for this merchant
 * (lib/auth/access.ts answers 404), so cannot reach it at all. Every change is audit-logged
 * ("settings.set", with the old and new value) in the same transaction on the owner connection;
 * bad input is refused before anything is written.
 */
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { merchantSettings } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { AccessRole, MerchantAccess } from "@/lib/auth/access";
import { ForbiddenError } from "@/lib/auth/errors";
import { AccountError } from "./errors";

type SettingsAccess = Pick<MerchantAccess, "actor" | "merchant" | "role">;

/** The roles that may change a merchant's settings. */
const SETTING_ROLES: ReadonlySet<AccessRole> = new Set(["merchant_owner", "relationship_manager", "bank_admin"]);

/** Whether `role` may change the merchant's settings (the page shows the form only then). */
export function canEditSettings(role: AccessRole): boolean {
  return SETTING_ROLES.has(role);
}

/**
 * Parses a gross margin typed as a percentage ("35", "35.5", "35,5", " 42 %") into basis points
 * (3550 = 35.5 %). An empty string means "no margin" (null: figures in revenue).
 *
 * @returns basis points 1..10000, or null for an empty input
 * @throws AccountError invalid_input when it is not a number with at most 2 decimals, or not in
 *         (0, 100] ("0", "100.5", "-3", "abc", "1e2", "12.345")
 */
export function parseGrossMarginPercent(input: unknown): number | null {
  if (typeof input !== "string" && typeof input !== "number") throw new AccountError("invalid_input", "gross margin must be a percentage between 0 and 100");
  const text = String(input).trim().replace(/\s*%$/, "").replace(",", ".");
  if (text === "") return null;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) {
    throw new AccountError("invalid_input", `gross margin must be a percentage with at most 2 decimals, got "${String(input)}"`);
  }
  const bp = Math.round(Number(text) * 100);
  if (!(bp >= 1 && bp <= 10_000)) throw new AccountError("invalid_input", `gross margin must be more than 0 % and at most 100 %, got ${text} %`);
  return bp;
}

/** The merchant's stored gross margin in basis points (owner connection), null when not set. */
export async function getGrossMargin(database: Database, merchantId: number): Promise<number | null> {
  const [row] = await database.db
    .select({ bp: merchantSettings.grossMarginBp })
    .from(merchantSettings)
    .where(eq(merchantSettings.merchantId, merchantId))
    .limit(1);
  return row?.bp ?? null;
}

/**
 * Sets (or clears, with null) the merchant's gross margin and records "settings.set" with the
 * old and new basis points, in one transaction. Setting the value it already has writes nothing.
 *
 * @param grossMarginBp 1..10000 basis points (parseGrossMarginPercent), or null to clear
 * @returns the stored value
 * @throws ForbiddenError for a viewer; AccountError invalid_input for a value out of range
 *         (nothing is written in either case)
 */
export async function setGrossMargin(database: Database, access: SettingsAccess, grossMarginBp: number | null): Promise<number | null> {
  if (!canEditSettings(access.role)) throw new ForbiddenError();
  if (grossMarginBp !== null && !(Number.isInteger(grossMarginBp) && grossMarginBp >= 1 && grossMarginBp <= 10_000)) {
    throw new AccountError("invalid_input", `gross margin must be 1..10000 basis points, got ${grossMarginBp}`);
  }
  const merchantId = access.merchant.id;
  return database.db.transaction(async (tx) => {
    const [old] = await tx
      .select({ bp: merchantSettings.grossMarginBp })
      .from(merchantSettings)
      .where(eq(merchantSettings.merchantId, merchantId))
      .for("update")
      .limit(1);
    const before = old?.bp ?? null;
    if (before === grossMarginBp) return before;
    const updatedAt = new Date();
    await tx
      .insert(merchantSettings)
      .values({ merchantId, grossMarginBp, updatedBy: access.actor.userId, updatedAt })
      .onConflictDoUpdate({ target: merchantSettings.merchantId, set: { grossMarginBp, updatedBy: access.actor.userId, updatedAt } });
    await recordAudit(tx, {
      actor: { userId: access.actor.userId, email: access.actor.email },
      action: "settings.set",
      merchantId,
      target: "grossMargin",
      details: { fromBp: before, toBp: grossMarginBp },
    });
    return grossMarginBp;
  });
}
