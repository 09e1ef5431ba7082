import { sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";

declare const scopedBrand: unique symbol;
/**
 * A transaction running as the non-superuser role `app_merchant` with `app.merchant_id` set:
 * row-level security shows it one merchant's rows only. Analytics take this type, so a query
 * cannot be called without a scope.
 */
export type ScopedTx = Db & { readonly [scopedBrand]: number };

/**
 * Runs `fn` in a transaction scoped to one merchant (wall 1 of ARCHITECTURE.md): `SET LOCAL ROLE
 * app_merchant` plus the transaction-local `app.merchant_id`. Read-only unless `write` is set.
 * Authorization (may this user see this merchant?) is the caller's: see lib/auth/access.ts.
 */
export async function withMerchantScope<T>(
  database: Database,
  merchantId: number,
  fn: (tx: ScopedTx) => Promise<T>,
  opts: { write?: boolean } = {},
): Promise<T> {
  if (!Number.isInteger(merchantId) || merchantId <= 0) {
    throw new Error(`withMerchantScope: invalid merchant id ${merchantId}`);
  }
  return database.db.transaction(async (tx) => {
    if (!opts.write) await tx.execute(sql`set transaction read only`);
    // The setting first, as the owner: app_merchant may not call set_config (drizzle 0018), so a
    // query inside the scope cannot move the setting to another merchant or leave the role.
    // A SET LOCAL statement, not set_config(): on Citus only the statement is propagated to the
    // workers (citus.propagate_set_commands = 'local', db/distribute.ts), where the shards'
    // row-level security reads it. merchantId is a checked positive integer, so the literal is safe.
    await tx.execute(sql.raw(`set local app.merchant_id = '${merchantId}'`));
    await tx.execute(sql`set local role app_merchant`);
    return fn(tx as unknown as ScopedTx);
  });
}
