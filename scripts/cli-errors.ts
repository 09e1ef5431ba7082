import type { Database } from "@/db/client";
import { exitCodeOf, isAppError } from "@/lib/errors";
import type { MerchantRef } from "@/lib/tenancy/context";
import { FeatureLockedError, loadEntitlements, requireFeature, type Feature } from "@/lib/billing";

/**
 * An expected CLI failure: its message goes to stderr as is, and the process exits with `code`
 * (2 bad usage or input, 3 refused by the plan, 1 could not be done).
 *
 * Transitional (docs/adr/0010-kernel-and-one-error-base.md): `code` is still the exit code because
 * scripts/cli.ts, which another branch is splitting, reads `err.code` in its top level. Once that
 * top level calls {@link reportCliError}, this class becomes
 * `class CliError extends AppError { constructor(message, readonly exitCode = 2) { super(…) } }`
 * as the ADR shows, and nothing else changes.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }

  /** The process exit code (the same as `code` until the class extends AppError). */
  get exitCode(): number {
    return this.code;
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
  if (error instanceof CliError) return error.exitCode;
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
