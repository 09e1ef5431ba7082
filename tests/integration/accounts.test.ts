/**
 * Onboarding, invitations, teams, audit and the outbox on a real database: the RM onboards
 * (adopting a bank merchant, or creating one for new ids), the owner accepts the single-use link
 * and sets a password, invites a viewer, removes them; viewers cannot invite; RMs see only their
 * portfolio's outbox; audit entries for every administrative action and for bank staff views
 * (once per route request), readable by owners for their merchant and not by viewers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, count, eq, like } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiRateLimits, auditLog, invitations, memberships, merchantAccounts, merchants, users } from "@/db/schema";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));
vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const acc = await import("@/lib/accounts");
const { loadActorIn, resolveMerchantAccessIn, ForbiddenError } = await import("@/lib/auth/access");
const { authorizeCredentialsIn, authorizeWithThrottle } = await import("@/lib/auth/credentials");
const { LoginLockedError, LoginThrottle } = await import("@/lib/auth/lockout");
const { SEED_PASSWORD } = await import("./tenancy-fixtures");
const { loadAccount, TRIAL_DAYS } = await import("@/lib/billing");
const { deliverPendingEmails, INVITATION_LINK_SLOT, listOutbox } = await import("@/lib/mail");

const BASE = "http://127.0.0.1:3107";
let database: Database;
let rm: { id: string; email: string };
let admin: { id: string; email: string };
const actor = async (id: string) => (await loadActorIn(database, id))!;
const tokenOf = (link: string) => link.split("/invite/")[1];

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  rm = await seedUser(database, { bankRole: "relationship_manager", prefix: "rm" });
  admin = await seedUser(database, { bankRole: "bank_admin", prefix: "admin" });
}, 60_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  state.session = null;
});

describe("onboarding", () => {
  it("searches the bank's merchants by name, bank id, MCC and city (bank staff only)", async () => {
    const m = await seedMerchant(database, "Searchable Bakery", 1);
    await database.db.update(merchants).set({ city: "Kazan", mcc: "5462" }).where(eq(merchants.id, m.id));
    const a = await actor(rm.id);
    const byName = await acc.searchBankMerchants(database, a, { q: "searchable bak" });
    expect(byName.map((h) => h.slug)).toContain(m.slug);
    expect(byName.find((h) => h.slug === m.slug)).toMatchObject({ bankMerchantIds: [`${m.slug}-terminal`], plan: null, mcc: "5462", city: "Kazan" });
    expect((await acc.searchBankMerchants(database, a, { q: `${m.slug}-terminal` })).map((h) => h.slug)).toEqual([m.slug]);
    expect((await acc.searchBankMerchants(database, a, { mcc: "5462", city: "kaz" })).map((h) => h.slug)).toEqual([m.slug]);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    await expect(acc.searchBankMerchants(database, await actor(owner.id), { q: "x" })).rejects.toMatchObject({ code: "not_allowed" });
  });

  it("adopts the bank merchant its ids belong to: plan or trial, RM portfolio, owner invitation, audit; all in one transaction", async () => {
    const m = await seedMerchant(database, "Adopted Shop", 1);
    const a = await actor(rm.id);
    await acc.setPortfolio(database, await actor(admin.id), rm.id, m.slug, true); // the bank's assignment (issue 14 item 5)
    const before = new Date();
    const result = await acc.onboardMerchant(
      database,
      a,
      { bankMerchantIds: [`${m.slug}-terminal`, `${m.slug}-second`], name: "Adopted Shop LLC", mcc: "5812", timeZone: "Europe/Moscow", currency: "RUB", plan: "pro", trial: true, ownerEmail: "Owner.Adopted@Example.com" },
      BASE,
    );
    expect(result).toMatchObject({ merchantId: m.id, slug: m.slug });
    expect(result.invitationLink).toMatch(new RegExp(`^${BASE}/invite/[A-Za-z0-9_-]{43}$`));
    const account = (await loadAccount(database.db, m.id))!;
    expect(account).toMatchObject({ plan: "pro", status: "trialing" });
    const trialDays = (account.trialEndsAt!.getTime() - before.getTime()) / 86_400_000;
    expect(trialDays).toBeGreaterThan(TRIAL_DAYS - 0.01);
    expect(trialDays).toBeLessThan(TRIAL_DAYS + 0.01);
    const [row] = await database.db.select().from(merchants).where(eq(merchants.id, m.id));
    // The bank's name and MCC stay the bank's (issue 14 item 5: onboarding used to rename the
    // merchant and change its MCC, moving it between peer groups).
    expect({ name: row.name, mcc: row.mcc }).toEqual({ name: "Adopted Shop", mcc: "5411" });
    expect((await acc.searchBankMerchants(database, a, { q: `${m.slug}-second` })).map((h) => h.slug)).toEqual([m.slug]);
    const rmMembership = await database.db.select().from(memberships).where(and(eq(memberships.userId, rm.id), eq(memberships.merchantId, m.id)));
    expect(rmMembership.map((r) => r.role)).toEqual(["relationship_manager"]);
    const mail = await listOutbox(database.db, { to: "owner.adopted@example.com" });
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ kind: "invitation", merchantId: m.id });
    // No usable token at rest (issue 14 item 4): the stored text holds a slot, minted at delivery.
    expect(mail[0].text).not.toContain(tokenOf(result.invitationLink));
    expect(mail[0].text).not.toMatch(/\/invite\/[A-Za-z0-9_-]{20,}/);
    expect(mail[0].text).toContain(INVITATION_LINK_SLOT);
    const actions = (await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.merchantId, m.id))).map((r) => r.action).sort();
    expect(actions).toEqual(["invitation.create", "membership.grant", "merchant.onboard", "plan.set"]);
    // Onboarding it again is refused.
    await expect(
      acc.onboardMerchant(database, a, { bankMerchantIds: [`${m.slug}-terminal`], name: "Again", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", plan: "pro", trial: false, ownerEmail: "x@example.com" }, BASE),
    ).rejects.toMatchObject({ code: "already_onboarded" });
  });

  // Issue 14 item 5: any RM could "onboard" any bank merchant not yet onboarded and so get its data.
  it("an RM cannot adopt a bank merchant that is not in their portfolio; nothing is written", async () => {
    const m = await seedMerchant(database, "Unassigned Shop", 1);
    const before = await database.db.select().from(merchants).where(eq(merchants.id, m.id));
    await expect(
      acc.onboardMerchant(database, await actor(rm.id), { bankMerchantIds: [`${m.slug}-terminal`], name: "Mine Now", mcc: "7995", timeZone: "Europe/Moscow", currency: "RUB", plan: "business", trial: false, ownerEmail: "thief@example.com" }, BASE),
    ).rejects.toMatchObject({ code: "not_allowed", status: 403 });
    expect(await database.db.select().from(merchants).where(eq(merchants.id, m.id))).toEqual(before);
    expect(await loadAccount(database.db, m.id)).toBeNull();
    expect(await database.db.select().from(memberships).where(eq(memberships.merchantId, m.id))).toEqual([]);
    expect(await listOutbox(database.db, { to: "thief@example.com" })).toEqual([]);
    expect(await resolveMerchantAccessIn(database, await actor(rm.id), m.slug)).toBeNull();
  });

  it("creates a new merchant for ids the bank has not loaded; refuses ids of two merchants, a changed currency, bad input — writing nothing", async () => {
    const a = await actor(admin.id);
    const stamp = Math.random().toString(36).slice(2, 8);
    const created = await acc.onboardMerchant(
      database,
      a,
      { bankMerchantIds: [`new-${stamp}-1`, `new-${stamp}-2`], name: `Café Nord ${stamp}`, mcc: "5812", timeZone: "Europe/Moscow", currency: "rub", city: "Moscow", plan: "business", trial: false, ownerEmail: `owner-${stamp}@example.com` },
      BASE,
    );
    expect(created.slug).toBe(`cafe-nord-${stamp}`);
    expect(await loadAccount(database.db, created.merchantId)).toMatchObject({ plan: "business", status: "active", trialEndsAt: null });

    const x = await seedMerchant(database, "X", 1);
    const y = await seedMerchant(database, "Y", 1);
    const countAll = async () => ({
      accounts: (await database.db.select({ n: count() }).from(merchantAccounts))[0].n,
      invitations: (await database.db.select({ n: count() }).from(invitations))[0].n,
      merchants: (await database.db.select({ n: count() }).from(merchants))[0].n,
      audit: (await database.db.select({ n: count() }).from(auditLog))[0].n,
    });
    const before = await countAll();
    const base = { name: "Bad", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", plan: "pro" as const, trial: false, ownerEmail: "bad@example.com" };
    await expect(acc.onboardMerchant(database, a, { ...base, bankMerchantIds: [`${x.slug}-terminal`, `${y.slug}-terminal`] }, BASE)).rejects.toMatchObject({ code: "ids_span_merchants" });
    await expect(acc.onboardMerchant(database, a, { ...base, currency: "EUR", bankMerchantIds: [`${x.slug}-terminal`] }, BASE)).rejects.toMatchObject({ code: "currency_or_zone_mismatch" });
    await expect(acc.onboardMerchant(database, a, { ...base, mcc: "99", ownerEmail: "not an e-mail", bankMerchantIds: [] }, BASE)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringMatching(/at least one bank merchant id.*owner e-mail.*mcc/),
    });
    expect(await countAll()).toEqual(before);
    const viewer = await seedUser(database, { memberships: [[x.id, "merchant_viewer"]] });
    await expect(acc.onboardMerchant(database, await actor(viewer.id), { ...base, bankMerchantIds: ["z-1"] }, BASE)).rejects.toMatchObject({ code: "not_allowed" });
  });
});

describe("invitations and teams", () => {
  it("the owner accepts once, signs in with the new password, invites a viewer, removes them; the viewer cannot invite", async () => {
    const m = await seedMerchant(database, "Team Shop", 1);
    const stamp = Math.random().toString(36).slice(2, 8);
    const ownerEmail = `owner-${stamp}@team.example`;
    await acc.setPortfolio(database, await actor(admin.id), rm.id, m.slug, true);
    const { invitationLink } = await acc.onboardMerchant(
      database,
      await actor(rm.id),
      { bankMerchantIds: [`${m.slug}-terminal`], name: "Team Shop", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", plan: "start", trial: false, ownerEmail },
      BASE,
    );
    const token = tokenOf(invitationLink);
    expect(await acc.previewInvitation(database, token)).toEqual({ email: ownerEmail, role: "merchant_owner", merchantName: "Team Shop", merchantSlug: m.slug, existingUser: false });
    await expect(acc.acceptInvitation(database, token, { password: "short" })).rejects.toMatchObject({ code: "weak_password" });
    await expect(acc.acceptInvitation(database, token, { password: `owner-${stamp}-pass` })).rejects.toMatchObject({ code: "weak_password", message: /e-mail/ });
    expect(await acc.acceptInvitation(database, token, { name: "Olga", password: "Sunflower-Meadow-42" })).toEqual({ email: ownerEmail, merchantSlug: m.slug });
    await expect(acc.acceptInvitation(database, token, { password: "Sunflower-Meadow-42" })).rejects.toMatchObject({ code: "invitation_used" });
    await expect(acc.previewInvitation(database, "x".repeat(43))).rejects.toMatchObject({ code: "invitation_invalid" });

    const signedIn = await authorizeCredentialsIn(database, { email: ownerEmail, password: "Sunflower-Meadow-42" });
    expect(signedIn).toMatchObject({ email: ownerEmail, name: "Olga" });
    const ownerActor = await actor(signedIn!.id);
    const ownerAccess = (await resolveMerchantAccessIn(database, ownerActor, m.slug))!;
    expect(ownerAccess.role).toBe("merchant_owner");
    expect(acc.invitableRoles("merchant_owner")).toEqual(["merchant_viewer"]);
    await expect(acc.inviteMember(database, ownerAccess, "co-owner@team.example", "merchant_owner", BASE)).rejects.toBeInstanceOf(ForbiddenError);

    const viewerEmail = `viewer-${stamp}@team.example`;
    const { link } = await acc.inviteMember(database, ownerAccess, viewerEmail, "merchant_viewer", BASE);
    await acc.acceptInvitation(database, tokenOf(link), { password: "Quiet-River-Stone-7" });
    const viewerUser = await authorizeCredentialsIn(database, { email: viewerEmail, password: "Quiet-River-Stone-7" });
    const viewerAccess = (await resolveMerchantAccessIn(database, await actor(viewerUser!.id), m.slug))!;
    expect(viewerAccess.role).toBe("merchant_viewer");
    expect(acc.invitableRoles("merchant_viewer")).toEqual([]);
    await expect(acc.inviteMember(database, viewerAccess, "friend@team.example", "merchant_viewer", BASE)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(acc.removeMember(database, viewerAccess, ownerActor.userId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(acc.merchantAudit(database, viewerAccess)).rejects.toBeInstanceOf(ForbiddenError);

    const team = await acc.listTeam(database, ownerAccess);
    expect(team.members.map((x) => [x.email, x.role]).sort()).toEqual([[ownerEmail, "merchant_owner"], [rm.email, "relationship_manager"], [viewerEmail, "merchant_viewer"]].sort());
    // The owner cannot remove the RM or themselves; removes the viewer, whose access ends at once.
    await expect(acc.removeMember(database, ownerAccess, rm.id)).rejects.toBeInstanceOf(ForbiddenError);
    await acc.removeMember(database, ownerAccess, viewerUser!.id);
    expect(await resolveMerchantAccessIn(database, await actor(viewerUser!.id), m.slug)).toBeNull();

    // The owner reads the merchant's audit log: onboarding, invitations, acceptances, the removal.
    const audit = await acc.merchantAudit(database, ownerAccess);
    expect(audit.map((e) => e.action)).toEqual(["membership.revoke", "invitation.accept", "invitation.create", "invitation.accept", "merchant.onboard", "invitation.create", "plan.set", "membership.grant"]);
    expect(audit[0]).toMatchObject({ actorEmail: ownerEmail, target: viewerEmail });
  });

  it("an expired invitation cannot be accepted; a newer invitation revokes the older link", async () => {
    const m = await seedMerchant(database, "Expiry Shop", 1);
    const adminAccess = (await resolveMerchantAccessIn(database, await actor(admin.id), m.slug))!;
    const first = await acc.inviteMember(database, adminAccess, "late@expiry.example", "merchant_owner", BASE);
    const second = await acc.inviteMember(database, adminAccess, "late@expiry.example", "merchant_owner", BASE);
    await expect(acc.previewInvitation(database, tokenOf(first.link))).rejects.toMatchObject({ code: "invitation_invalid" });
    const later = new Date(Date.now() + 8 * 86_400_000);
    await expect(acc.acceptInvitation(database, tokenOf(second.link), { password: "Quiet-River-Stone-7" }, later)).rejects.toMatchObject({ code: "invitation_expired" });
    const [u] = await database.db.select().from(users).where(eq(users.email, "late@expiry.example"));
    expect(u).toBeUndefined();
  });
});

describe("bank administration, outbox and audit of views", () => {
  it("admins invite RMs and manage portfolios; RMs see only their portfolio's outbox; others nothing", async () => {
    const adminActor = await actor(admin.id);
    const { link } = await acc.inviteRelationshipManager(database, adminActor, "new.rm@bank.example", BASE);
    await acc.acceptInvitation(database, tokenOf(link), { password: "Granite-Harbor-19" });
    const newRm = await authorizeCredentialsIn(database, { email: "new.rm@bank.example", password: "Granite-Harbor-19" });
    expect(newRm?.bankRole).toBe("relationship_manager");
    const m = await seedMerchant(database, "Portfolio Shop", 1);
    await acc.setPortfolio(database, adminActor, newRm!.id, m.slug, true);
    const staff = await acc.listStaff(database, adminActor);
    expect(staff.find((s) => s.email === "new.rm@bank.example")?.portfolio.map((p) => p.slug)).toEqual([m.slug]);
    await expect(acc.listStaff(database, await actor(rm.id))).rejects.toBeInstanceOf(ForbiddenError);

    const rmActor = await actor(newRm!.id);
    const adminAccess = (await resolveMerchantAccessIn(database, adminActor, m.slug))!;
    await acc.inviteMember(database, adminAccess, "owner@portfolio.example", "merchant_owner", BASE);
    const visible = await acc.outboxFor(database, rmActor);
    expect(visible.map((x) => x.to)).toEqual(["owner@portfolio.example"]);
    expect((await acc.outboxFor(database, adminActor)).length).toBeGreaterThan(1);
    await acc.setPortfolio(database, adminActor, newRm!.id, m.slug, false);
    expect(await acc.outboxFor(database, rmActor)).toEqual([]);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    await expect(acc.outboxFor(database, await actor(owner.id))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("a bank employee's route request records one merchant.view entry with the path; a merchant user's does not", async () => {
    const m = await seedMerchant(database, "Viewed Shop", 2);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    const rmUser = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m.id, "relationship_manager"]] });
    const { GET } = await import("@/app/api/m/[slug]/[view]/route");
    const views = async () => database.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.id), eq(auditLog.action, "merchant.view")));
    const call = () => GET(new Request(`http://localhost/api/m/${m.slug}/overview?from=2024-03-01&to=2024-03-03`), { params: Promise.resolve({ slug: m.slug, view: "overview" }) });
    state.session = { user: { id: owner.id } };
    expect((await call()).status).toBe(200);
    expect(await views()).toEqual([]);
    state.session = { user: { id: rmUser.id } };
    expect((await call()).status).toBe(200);
    const entries = await views();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorUserId: rmUser.id, actorEmail: rmUser.email, target: `GET /api/m/${m.slug}/overview` });
  });
});

// Issue 14 item 4: raw invitation tokens sat in email_outbox and RMs saw 5 working links at
// /admin/outbox; without APP_URL the link's host came from X-Forwarded-Host.
describe("invitation links are minted at delivery, from APP_URL only", () => {
  it("the outbox an RM reads holds no usable link; delivery sends the only working one, built from APP_URL", async () => {
    const m = await seedMerchant(database, "Delivery Shop", 1);
    await acc.setPortfolio(database, await actor(admin.id), rm.id, m.slug, true);
    const ownerEmail = `owner-${Math.random().toString(36).slice(2, 8)}@delivery.example`;
    // The origin argument is what a forged X-Forwarded-Host would have produced.
    const { invitationLink } = await acc.onboardMerchant(database, await actor(rm.id), { bankMerchantIds: [`${m.slug}-terminal`], name: "x", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", plan: "start", trial: false, ownerEmail }, "https://evil.example");
    const seen = (await acc.outboxFor(database, await actor(rm.id))).filter((x) => x.to === ownerEmail);
    expect(seen).toHaveLength(1);
    expect(seen[0].text).not.toMatch(/https?:\/\/\S*\/invite\//);
    expect(seen[0].text).not.toContain("evil.example");

    const sent: Array<{ to: string; text: string }> = [];
    const transport = { sendMail: async (msg: { to: string; text: string }) => void sent.push(msg) };
    const previous = process.env.APP_URL;
    try {
      delete process.env.APP_URL;
      await deliverPendingEmails(database.db, transport);
      expect(sent.filter((x) => x.to === ownerEmail)).toEqual([]);
      expect((await listOutbox(database.db, { to: ownerEmail }))[0]).toMatchObject({ sentAt: null, lastError: "APP_URL is not set: invitation links are built from configuration only" });

      process.env.APP_URL = "https://insights.bank.example/";
      await deliverPendingEmails(database.db, transport);
    } finally {
      if (previous === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = previous;
    }
    const mine = sent.filter((x) => x.to === ownerEmail);
    expect(mine).toHaveLength(1);
    const link = /https:\/\/insights\.bank\.example\/invite\/([A-Za-z0-9_-]{43})/.exec(mine[0].text);
    expect(link).not.toBeNull();
    expect(await acc.previewInvitation(database, link![1])).toMatchObject({ email: ownerEmail, merchantSlug: m.slug });
    // The token handed back at creation died when the delivered one was minted; the stored text still holds none.
    await expect(acc.previewInvitation(database, tokenOf(invitationLink))).rejects.toMatchObject({ code: "invitation_invalid" });
    expect((await listOutbox(database.db, { to: ownerEmail }))[0].text).not.toContain(link![1]);
  });

  it("a message whose invitation was accepted meanwhile is not sent", async () => {
    const m = await seedMerchant(database, "Closed Shop", 1);
    await acc.setPortfolio(database, await actor(admin.id), rm.id, m.slug, true);
    const ownerEmail = `owner-${Math.random().toString(36).slice(2, 8)}@closed.example`;
    const { invitationLink } = await acc.onboardMerchant(database, await actor(rm.id), { bankMerchantIds: [`${m.slug}-terminal`], name: "x", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", plan: "start", trial: false, ownerEmail }, BASE);
    await acc.acceptInvitation(database, tokenOf(invitationLink), { password: "Quiet-River-Stone-7" });
    const sent: unknown[] = [];
    const previous = process.env.APP_URL;
    process.env.APP_URL = "https://insights.bank.example";
    try {
      await deliverPendingEmails(database.db, { sendMail: async (msg) => void sent.push(msg) });
    } finally {
      if (previous === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = previous;
    }
    expect(sent.filter((x) => (x as { to: string }).to === ownerEmail)).toEqual([]);
    expect((await listOutbox(database.db, { to: ownerEmail }))[0]).toMatchObject({ sentAt: null, lastError: "the invitation is no longer open" });
  });
});

describe("login lockout", () => {
  it("five wrong passwords lock the e-mail (audited); even the right password is refused until the lock ends", async () => {
    const u = await seedUser(database, { prefix: "locked" });
    const throttle = new LoginThrottle(database);
    for (let i = 0; i < 5; i += 1) expect(await authorizeWithThrottle(database, { email: u.email, password: "wrong password!" }, "10.0.0.1", throttle)).toBeNull();
    await expect(authorizeWithThrottle(database, { email: u.email.toUpperCase(), password: SEED_PASSWORD }, "10.0.0.2", throttle)).rejects.toBeInstanceOf(LoginLockedError);
    const entries = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "auth.lockout"), eq(auditLog.target, u.email)));
    expect(entries).toHaveLength(1);
    // Once the lock has expired (its stored counters gone) the right password gets in, and success resets the count.
    await database.db.delete(apiRateLimits).where(like(apiRateLimits.key, "login-%"));
    const fresh = new LoginThrottle(database);
    expect(await authorizeWithThrottle(database, { email: u.email, password: SEED_PASSWORD }, null, fresh)).toMatchObject({ id: u.id });
  });
});

describe("audit log filter (issue 19: automatic page views buried the actions)", () => {
  it("hides page views unless asked, filters by one action, refuses an unknown one", async () => {
    const { recordAudit } = await import("@/lib/audit");
    const { bankAudit } = await import("@/lib/accounts/team");
    const m = await seedMerchant(database, "Audited Shop", 1);
    const who = { userId: rm.id, email: rm.email };
    await recordAudit(database.db, { actor: who, action: "merchant.view", merchantId: m.id, target: "page" });
    await recordAudit(database.db, { actor: who, action: "plan.set", merchantId: m.id, target: "pro" });
    await recordAudit(database.db, { actor: who, action: "merchant.view", merchantId: m.id, target: "page" });
    const a = await actor(admin.id);
    const mine = (entries: Array<{ merchantId: number | null; action: string }>) => entries.filter((e) => e.merchantId === m.id).map((e) => e.action);
    expect(mine(await bankAudit(database, a))).toEqual(["plan.set"]);
    expect(mine(await bankAudit(database, a, { includeViews: true }))).toEqual(["merchant.view", "plan.set", "merchant.view"]);
    expect(mine(await bankAudit(database, a, { action: "merchant.view" }))).toEqual(["merchant.view", "merchant.view"]);
    await expect(bankAudit(database, a, { action: "page" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(bankAudit(database, await actor(rm.id))).rejects.toMatchObject({ status: 403 });
  });
});
