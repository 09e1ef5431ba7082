import type { Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { FeatureLockedError, loadEntitlements, requireFeature, type Feature } from "@/lib/billing";

/** An expected CLI failure: its message goes to stderr as is, and the process exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

/**
 * The one entitlement check (lib/billing requireFeature) for a merchant's command: the CLI sees
 * exactly what the merchant's plan grants, like its pages and routes. Exit code 3 when locked.
 */
export async function requireMerchantFeature(database: Database, merchant: MerchantRef, feature: Feature): Promise<void> {
  try {
    requireFeature(await loadEntitlements(database.db, merchant.id), feature);
  } catch (err) {
    if (err instanceof FeatureLockedError) {
      throw new CliError(`${merchant.slug}: "${feature}" is not included in the merchant's current plan; it needs the ${err.requiredPlan} plan`, 3);
    }
    throw err;
  }
}
