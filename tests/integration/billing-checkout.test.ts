/**
 * The billing page's operations with a fake BillingProvider (no network): Checkout and Portal
 * for owners and bank staff only, bank-managed plan changes only without Stripe, audit entries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, merchantAccounts } from "@/db/schema";
import { openTestDatabase } from "../helpers/db";
import { seedMerchant, seedUser } from "./tenancy-fixtures";
import { loadActorIn, resolveMerchantAccessIn, ForbiddenError } from "@/lib/auth/access";
import { BillingError, loadAccount, openPortal, setPlanByStaff, setPlanIn, startCheckout, type BillingProvider, type CheckoutRequest } from "@/lib/billing";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

function fakeProvider() {
  const calls: { checkout: CheckoutRequest[]; portal: Array<[string, string]> } = { checkout: [], portal: [] };
  const provider: BillingProvider = {
    async createCheckoutSession(req) {
      calls.checkout.push(req);
      return `https://checkout.example/${req.plan}`;
    },
    async createPortalSession(customerId, returnUrl) {
      calls.portal.push([customerId, returnUrl]);
      return "https://portal.example/session";
    },
    verifyWebhook() {
      throw new Error("not used");
    },
    planForPrice: () => null,
  };
  return { provider, calls };
}

describe("billing operations", () => {
  it("Checkout and Portal: owner yes (with the merchant and return URLs), viewer no; Portal needs a Stripe customer", async () => {
    const m = await seedMerchant(database, "Pay Shop", 1);
    await setPlanIn(database.db, m.id, { plan: "start", trial: true }, null);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    const viewer = await seedUser(database, { memberships: [[m.id, "merchant_viewer"]] });
    const access = async (id: string) => (await resolveMerchantAccessIn(database, (await loadActorIn(database, id))!, m.slug))!;
    const { provider, calls } = fakeProvider();
    expect(await startCheckout(database, await access(owner.id), "business", "https://app.example", provider)).toBe("https://checkout.example/business");
    expect(calls.checkout).toEqual([
      { merchantId: m.id, plan: "business", customerId: null, customerEmail: owner.email, successUrl: `https://app.example/m/${m.slug}/billing?checkout=success`, cancelUrl: `https://app.example/m/${m.slug}/billing?checkout=cancel` },
    ]);
    await expect(startCheckout(database, await access(viewer.id), "business", "https://app.example", provider)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(openPortal(database, await access(owner.id), "https://app.example", provider)).rejects.toBeInstanceOf(BillingError);
    await database.db.update(merchantAccounts).set({ stripeCustomerId: "cus_pay" }).where(eq(merchantAccounts.merchantId, m.id));
    expect(await openPortal(database, await access(owner.id), "https://app.example", provider)).toBe("https://portal.example/session");
    expect(calls.portal).toEqual([["cus_pay", `https://app.example/m/${m.slug}/billing`]]);
    await expect(startCheckout(database, await access(owner.id), "pro", "https://app.example", null)).rejects.toThrow(/managed by the bank/);
    const audits = await database.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.merchantId, m.id)));
    expect(audits.map((a) => a.action).sort()).toEqual(["billing.checkout", "billing.portal", "plan.set"]);
  });

  it("bank staff set plans by hand only when billing is bank-managed; owners cannot", async () => {
    const m = await seedMerchant(database, "Hand Shop", 1);
    const rm = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m.id, "relationship_manager"]] });
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    const access = async (id: string) => (await resolveMerchantAccessIn(database, (await loadActorIn(database, id))!, m.slug))!;
    await setPlanByStaff(database, await access(rm.id), "pro", false, null);
    expect(await loadAccount(database.db, m.id)).toMatchObject({ plan: "pro", status: "active" });
    await expect(setPlanByStaff(database, await access(owner.id), "business", false, null)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setPlanByStaff(database, await access(rm.id), "business", false, fakeProvider().provider)).rejects.toThrow(/Stripe subscription/);
    expect((await loadAccount(database.db, m.id))!.plan).toBe("pro");
  });
});
