import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { upgradeRequests } from "@/db/schema";
import type { PlanId } from "./plans";

/** A merchant's open request for a higher plan (lib/accounts/upgrades.ts writes it). */
export interface OpenUpgradeRequest {
  plan: PlanId;
  requestedAt: Date;
}

/**
 * The merchant's open upgrade request, or null. Works on the owner connection and inside a
 * merchant scope (RLS policy upgrade_requests_tenant lets a scope read its own).
 */
export async function getOpenUpgradeRequest(db: Pick<Db, "select">, merchantId: number): Promise<OpenUpgradeRequest | null> {
  const [row] = await db
    .select({ plan: upgradeRequests.plan, requestedAt: upgradeRequests.requestedAt })
    .from(upgradeRequests)
    .where(and(eq(upgradeRequests.merchantId, merchantId), isNull(upgradeRequests.closedAt)));
  return row ?? null;
}
