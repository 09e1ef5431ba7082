import { sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";

declare const scopedBrand: unique symbol;
/**
 * A transaction running as the non-superuser role `app_merchant` with `app.merchant_id` set:
 * row-level security shows it one merchant's rows only. Analytics take this type, so a query
 * cannot be called without a scope.
 */
export type ScopedTx = Db & { readonly [scopedBrand]: number };

/** Raised when a statement that could leave the scope is sent inside a scoped transaction. */
class ScopeEscapeError extends Error {
  constructor(readonly statement: string) {
    super(`statement not allowed inside a merchant scope: ${statement.slice(0, 80)}`);
    this.name = "ScopeEscapeError";
  }
}

/**
 * The statements a scoped transaction may send, by first keyword. Everything else is refused
 * before it reaches the database: `RESET ROLE`, `SET ROLE`, `SET [LOCAL] app.merchant_id`,
 * `RESET ALL`, `SET SESSION AUTHORIZATION`, `DISCARD`, `DO` (whose body could run them),
 * `CALL`, `COMMIT`, DDL, `COPY`, `PREPARE`/`EXECUTE`. Each query is one statement (both drivers
 * use the extended protocol, which refuses a second statement), so its first keyword decides.
 * `ROLLBACK` is allowed only as `ROLLBACK TO SAVEPOINT` (nested transactions).
 */
const ALLOWED_FIRST_KEYWORD = new Set(["select", "with", "insert", "update", "delete", "values", "savepoint", "release"]);

/**
 * The first keyword of a statement, lower case, after whitespace, `--` and `/* *\/` comments and
 * opening parentheses.
 */
function firstKeyword(statement: string): string {
  let s = statement;
  for (;;) {
    const trimmed = s.replace(/^[\s(]+/, "");
    if (trimmed.startsWith("--")) {
      const end = trimmed.indexOf("\n");
      s = end < 0 ? "" : trimmed.slice(end + 1);
    } else if (trimmed.startsWith("/*")) {
      const end = trimmed.indexOf("*/");
      s = end < 0 ? "" : trimmed.slice(end + 2);
    } else {
      s = trimmed;
      break;
    }
  }
  return (/^[a-z_]+/i.exec(s)?.[0] ?? "").toLowerCase();
}

/**
 * Throws {@link ScopeEscapeError} unless `statement` may run inside a merchant scope (see
 * ALLOWED_FIRST_KEYWORD). Issue 14 item 10: `RESET ROLE` sent as its own statement returned the
 * transaction to the owner, which bypasses row-level security.
 */
function assertScopedStatement(statement: string): void {
  const keyword = firstKeyword(statement);
  if (ALLOWED_FIRST_KEYWORD.has(keyword)) return;
  if (keyword === "rollback" && /^\s*rollback\s+to\s+(savepoint\s+)?[a-z_][a-z0-9_]*\s*$/i.test(statement)) return;
  throw new ScopeEscapeError(statement);
}

interface GuardableSession {
  prepareQuery: (query: { sql: string }, ...rest: unknown[]) => unknown;
}
interface GuardableTx {
  session: GuardableSession;
  transaction: (fn: (tx: unknown) => Promise<unknown>) => Promise<unknown>;
}

/**
 * Routes every query of `tx` (and of its nested transactions) through
 * {@link assertScopedStatement}: drizzle sends all of a transaction's queries, built or raw,
 * through its session's `prepareQuery` (drizzle-orm pg-core/session.js), one session per
 * transaction on both drivers.
 */
function guardTransaction(tx: GuardableTx): void {
  const session = tx.session;
  if (!(session as { scopeGuarded?: boolean }).scopeGuarded) {
    const prepare = session.prepareQuery.bind(session);
    session.prepareQuery = (query, ...rest) => {
      assertScopedStatement(query.sql);
      return prepare(query, ...rest);
    };
    (session as { scopeGuarded?: boolean }).scopeGuarded = true;
  }
  const nest = tx.transaction.bind(tx);
  tx.transaction = (fn) =>
    nest((inner) => {
      guardTransaction(inner as GuardableTx);
      return fn(inner);
    });
}

/**
 * Runs `fn` in a transaction scoped to one merchant (wall 1 of ARCHITECTURE.md): `SET LOCAL ROLE
 * app_merchant` plus the transaction-local `app.merchant_id`. Read-only unless `write` is set.
 * Inside, only data statements run (see {@link assertScopedStatement}); anything that could
 * change the role or the setting throws {@link ScopeEscapeError} and the transaction rolls back.
 * Authorization (may this user see this merchant?) is the caller's: see lib/auth/access.ts.
 * @throws Error for a merchant id that is not a positive integer.
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
    // As the owner and before the role switch (app_merchant may not call set_config, drizzle
    // 0018). The merchant by a SET LOCAL statement: Citus forwards SET LOCAL to the workers
    // (citus.propagate_set_commands = 'local', db/distribute.ts), where the shards' row-level
    // security reads it, but not set_config(); merchantId is a checked positive integer, so the
    // literal is safe. Then, in one select, read-only unless asked and the role
    // (`set_config('role', …)` is SET LOCAL ROLE; select-list items run left to right).
    await tx.execute(sql.raw(`set local app.merchant_id = '${merchantId}'`));
    await tx.execute(
      sql`select set_config('transaction_read_only', ${opts.write ? "off" : "on"}, true),
                 set_config('role', 'app_merchant', true)`,
    );
    // From here on, no statement may leave the role or move the setting (issue 14 item 10).
    guardTransaction(tx as unknown as GuardableTx);
    return fn(tx as unknown as ScopedTx);
  });
}

declare const portfolioBrand: unique symbol;

/**
 * The set of merchant ids as drizzle/0025's policies read it: the hex of a bit string where bit
 * `id & 7` (get_bit's numbering, least significant first) of byte `id >> 3` is set for each id.
 * Length: (max id >> 3) + 1 bytes. Ids are checked positive integers.
 */
function portfolioBits(merchantIds: readonly number[]): string {
  const bytes = new Uint8Array((Math.max(...merchantIds) >> 3) + 1);
  for (const id of merchantIds) bytes[id >> 3] |= 1 << (id & 7);
  return Buffer.from(bytes).toString("hex");
}
/**
 * A transaction running as the role `app_portfolio` with `app.portfolio_merchants` set:
 * row-level security shows it the listed merchants' rows of the tables the portfolio page reads
 * (drizzle/0025: merchant_daily, merchant_day_customer_bitmaps, merchant_customers,
 * upgrade_requests, model_runs); the role has no grant on any other table (ADR 0026).
 */
export type PortfolioTx = Db & { readonly [portfolioBrand]: number };

/**
 * Runs `fn` in one read-only transaction scoped to a set of merchants (issue 18: the portfolio
 * read by set-based queries instead of one transaction per merchant): `SET LOCAL ROLE
 * app_portfolio` plus the transaction-local `app.portfolio_merchants` (the ids as a bit string,
 * hex). The same
 * statement guard as {@link withMerchantScope} applies. Authorization (may this actor see each of
 * these merchants?) is the caller's: pass only ids lib/auth/access.ts resolved for the actor.
 * @throws Error when the list is empty or holds an id that is not a positive integer.
 */
export async function withPortfolioScope<T>(database: Database, merchantIds: readonly number[], fn: (tx: PortfolioTx) => Promise<T>): Promise<T> {
  if (merchantIds.length === 0) throw new Error("withPortfolioScope: no merchants");
  for (const id of merchantIds) {
    if (!Number.isInteger(id) || id <= 0) throw new Error(`withPortfolioScope: invalid merchant id ${id}`);
  }
  return database.db.transaction(async (tx) => {
    // As withMerchantScope: a SET LOCAL statement (Citus forwards it to the workers), of checked
    // positive integers only, then read-only and the role in one select.
    await tx.execute(sql.raw(`set local app.portfolio_merchants = '${portfolioBits(merchantIds)}'`));
    await tx.execute(sql`select set_config('transaction_read_only', 'on', true), set_config('role', 'app_portfolio', true)`);
    guardTransaction(tx as unknown as GuardableTx);
    return fn(tx as unknown as PortfolioTx);
  });
}
