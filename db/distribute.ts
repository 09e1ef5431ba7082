import type { Database } from "./client";

/*
 * The Citus step of a migration (docs/adr/0021-citus.md, docs/scaling.md "Citus"). Applied by
 * `migrateDatabase` after drizzle/ and only when the `citus` extension is installed in the
 * database; on single-node PostgreSQL and on PGlite it does nothing, so the schema those run is
 * exactly drizzle/'s.
 */

/**
 * The merchant's fact tables, distributed by `merchant_id` and colocated with `transactions`
 * (shard n of every table holds the same merchants), so an ingest's rollup refresh and every
 * scoped dashboard query of one merchant run on one worker. Order matters: the first is the
 * colocation anchor.
 */
export const DISTRIBUTED_TABLES = [
  "transactions",
  "merchant_daily",
  "merchant_hourly",
  "merchant_customers",
  "merchant_customer_daily",
  "merchant_day_customer_bitmaps",
] as const;

/**
 * Tables that stay on the coordinator outside Citus' metadata: disposable UNLOGGED staging that
 * one load COPYs into and merges from (Citus reads it as an intermediate result in the merge).
 */
const LOCAL_TABLES = new Set(["staging_transactions", "staging_customers"]);

/** What {@link distributeIfCitus} did. */
export interface DistributeResult {
  /** False when the database has no `citus` extension (nothing was done). */
  citus: boolean;
  /** Tables newly distributed by merchant_id in this call. */
  distributed: string[];
  /** Tables newly made reference tables (a full copy on every node) in this call. */
  reference: string[];
}

/** True when the `citus` extension is installed in the connected database. */
export async function hasCitus(database: Database): Promise<boolean> {
  if (database.dialect !== "postgres") return false;
  const { rows } = await database.raw(`select 1 from pg_extension where extname = 'citus'`);
  return rows.length > 0;
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`distribute: not a plain identifier: ${name}`);
  return name;
};

/**
 * `db:distribute`: when the `citus` extension is present, makes the schema a Citus schema.
 * Idempotent (tables already in `pg_dist_partition` are skipped), so it runs after every migrate.
 *
 * 1. `transactions` keys include the distribution column, as Citus requires of every unique
 *    index: primary key `(merchant_id, id)` and unique `(merchant_id, bank_transaction_id)`.
 *    A bank transaction id stays unique bank-wide because the ingest's conflict check
 *    (lib/ingest/merge.ts findConflictingTransactions) refuses an id already loaded for another
 *    merchant before the insert; the insert's `on conflict do nothing` names no target, so it
 *    matches either key.
 * 2. {@link DISTRIBUTED_TABLES} distributed by `merchant_id`, colocated.
 * 3. Every other table of `public` (merchants, customers, accounts, runs, campaigns, …: small or
 *    bank-wide, and referenced by foreign keys from the distributed ones) becomes a reference
 *    table, in foreign-key order (referenced tables first). pg-boss' schema stays on the
 *    coordinator untouched.
 * 4. `citus.propagate_set_commands = 'local'` for the database, so the `SET LOCAL
 *    app.merchant_id` of a merchant scope (lib/tenancy/scope.ts) reaches the workers, where
 *    row-level security of the shards reads it.
 *
 * Needs a superuser (or the extension owner) connection. Throws what Citus throws (for instance
 * when no worker node is registered: `citus_add_node` first, see docs/scaling.md).
 */
export async function distributeIfCitus(database: Database): Promise<DistributeResult> {
  const result: DistributeResult = { citus: false, distributed: [], reference: [] };
  if (!(await hasCitus(database))) return result;
  result.citus = true;

  const done = new Set(
    (await database.raw(`select logicalrelid::regclass::text as name from pg_dist_partition`)).rows.map((r) => String(r.name)),
  );

  if (!done.has("transactions")) {
    // Re-keyed before distribution (Citus refuses a unique index without merchant_id).
    await database.raw(`
      begin;
      alter table transactions drop constraint if exists transactions_pkey;
      alter table transactions add constraint transactions_pkey primary key (merchant_id, id);
      drop index if exists transactions_bank_transaction_id_key;
      create unique index transactions_bank_transaction_id_key on transactions (merchant_id, bank_transaction_id);
      create index if not exists transactions_bank_transaction_id_idx on transactions (bank_transaction_id);
      commit;`);
  }

  // Reference tables first, referenced before referencing: a distributed table's foreign keys
  // may only point at reference tables that already exist as such.
  const { rows: tables } = await database.raw(`
    select c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relpersistence = 'p'`);
  const distributed = new Set<string>(DISTRIBUTED_TABLES);
  const candidates = tables.map((r) => String(r.name)).filter((t) => !distributed.has(t) && !LOCAL_TABLES.has(t));
  const { rows: fks } = await database.raw(`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = 'public' and c.conrelid <> c.confrelid`);
  const parents = new Map<string, string[]>();
  for (const fk of fks) {
    const child = String(fk.child);
    parents.set(child, [...(parents.get(child) ?? []), String(fk.parent)]);
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t) || !candidates.includes(t)) return;
    visiting.add(t);
    for (const p of parents.get(t) ?? []) visit(p);
    ordered.push(t);
  };
  for (const t of [...candidates].sort()) visit(t);

  for (const t of ordered) {
    if (done.has(t)) continue;
    await database.raw(`select create_reference_table('${ident(t)}')`);
    result.reference.push(t);
  }
  for (const [i, t] of DISTRIBUTED_TABLES.entries()) {
    if (done.has(t)) continue;
    const colocate = i === 0 ? "default" : DISTRIBUTED_TABLES[0];
    await database.raw(`select create_distributed_table('${ident(t)}', 'merchant_id', colocate_with => '${colocate}')`);
    result.distributed.push(t);
  }

  const { rows: db } = await database.raw(`select current_database() as name`);
  await database.raw(`alter database "${ident(String(db[0].name))}" set citus.propagate_set_commands = 'local'`);
  return result;
}
