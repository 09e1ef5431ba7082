import type { Database } from "@/db/client";
import { AppError, exitCodeOf, isAppError } from "@/lib/errors";
import type { MerchantRef } from "@/lib/tenancy/context";
import { FeatureLockedError, loadEntitlements, requireFeature, type Feature } from "@/lib/billing";

/** HTTP-like status of each exit code, so a CliError maps like every other AppError. */
const EXIT_STATUS: Record<1 | 2 | 3, number> = { 1: 500, 2: 400, 3: 403 };

/**
 * An expected CLI failure: its message goes to stderr as is, and the process exits with
 * `exitCode` (2 bad usage or input, 3 refused by the plan, 1 could not be done). An AppError like
 * every other expected failure (docs/adr/0010-kernel-and-one-error-base.md).
 */
export class CliError extends AppError {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 = 2,
  ) {
    super(exitCode === 3 ? "feature_locked" : exitCode === 2 ? "usage" : "command_failed", EXIT_STATUS[exitCode], message);
  }
}

/**
 * The CLI's one error mapping, for its top level's catch: writes `error: <message>` with `write`
 * and returns the exit code: a CliError's own, an AppError's by its status (lib/errors
 * exitCodeOf: 3 for 403, 2 for another 4xx, 1 otherwise), 1 for anything else (a bug or an
 * outage, whose message is still shown: the CLI's user is the operator).
 */
export function reportCliError(error: unknown, write: (line: string) => void): number {
  write(`error: ${error instanceof Error ? error.message : String(error)}`);
  return isAppError(error) ? exitCodeOf(error) : 1;
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
