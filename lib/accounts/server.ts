/**
 * Request-bound entry points for pages and server actions (app/ may not import the database):
 * each resolves the process database and delegates to the functions of lib/accounts and
 * lib/billing, which authorize their actor or access themselves.
 */
import { getDatabase } from "@/db/client";
import type { Actor, MerchantAccess } from "@/lib/auth/access";
import { getOpenUpgradeRequest, loadAccount, openPortal, setPlanByStaff, startCheckout, type PlanId } from "@/lib/billing";
import { deliverPendingEmails, mailTransportFromEnv } from "@/lib/mail";
import { acceptInvitation, previewInvitation } from "./invitations";
import { requestUpgrade } from "./upgrades";
import { getGrossMargin, setGrossMargin } from "./settings";
import { onboardMerchant, searchBankMerchants, type OnboardingInput } from "./onboarding";
import { bankAudit, inviteMember, inviteRelationshipManager, listStaff, listTeam, merchantAudit, outboxFor, removeMember, setPortfolio } from "./team";

type Access = Pick<MerchantAccess, "actor" | "merchant" | "role">;
type UpgradeAccess = Pick<MerchantAccess, "actor" | "merchant" | "role" | "entitlements">;

/**
 * Delivers what an action just queued through the transport the environment configures
 * (lib/mail mailTransportFromEnv; none: the messages stay queued for the worker). Runs after the
 * action's transaction committed; a delivery failure is recorded on the message, not thrown.
 */
async function deliverQueued<T>(result: T): Promise<T> {
  const transport = mailTransportFromEnv();
  if (transport) await deliverPendingEmails((await getDatabase()).db, transport, { batch: 20 });
  return result;
}

export const accounts = {
  search: async (actor: Actor, q: { q?: string; mcc?: string; city?: string }) => searchBankMerchants(await getDatabase(), actor, q),
  onboard: async (actor: Actor, input: OnboardingInput, origin: string) => deliverQueued(await onboardMerchant(await getDatabase(), actor, input, origin)),
  team: async (access: Access) => listTeam(await getDatabase(), access),
  invite: async (access: Access, email: string, role: "merchant_owner" | "merchant_viewer", origin: string) => deliverQueued(await inviteMember(await getDatabase(), access, email, role, origin)),
  remove: async (access: Access, userId: string) => removeMember(await getDatabase(), access, userId),
  merchantAudit: async (access: Access) => merchantAudit(await getDatabase(), access),
  staff: async (actor: Actor) => listStaff(await getDatabase(), actor),
  inviteManager: async (actor: Actor, email: string, origin: string) => deliverQueued(await inviteRelationshipManager(await getDatabase(), actor, email, origin)),
  setPortfolio: async (actor: Actor, rmUserId: string, slug: string, assign: boolean) => setPortfolio(await getDatabase(), actor, rmUserId, slug, assign),
  outbox: async (actor: Actor) => outboxFor(await getDatabase(), actor),
  bankAudit: async (actor: Actor, filter: { action?: string; includeViews?: boolean } = {}) => bankAudit(await getDatabase(), actor, filter),
  previewInvitation: async (token: string) => previewInvitation(await getDatabase(), token),
  acceptInvitation: async (token: string, input: { name?: string | null; password: string }) => acceptInvitation(await getDatabase(), token, input),
  account: async (merchantId: number) => loadAccount((await getDatabase()).db, merchantId),
  checkout: async (access: Access, plan: PlanId, origin: string) => startCheckout(await getDatabase(), access, plan, origin),
  portal: async (access: Access, origin: string) => openPortal(await getDatabase(), access, origin),
  setPlan: async (access: Access, plan: PlanId, trial: boolean) => setPlanByStaff(await getDatabase(), access, plan, trial),
  requestUpgrade: async (access: UpgradeAccess, plan: PlanId, origin: string) => requestUpgrade(await getDatabase(), access, plan, origin),
  openUpgrade: async (merchantId: number) => getOpenUpgradeRequest((await getDatabase()).db, merchantId),
  grossMargin: async (merchantId: number) => getGrossMargin(await getDatabase(), merchantId),
  setGrossMargin: async (access: Access, grossMarginBp: number | null) => setGrossMargin(await getDatabase(), access, grossMarginBp),
};
