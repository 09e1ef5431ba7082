/** What this step needs of db/client's Database (structural: client imports this file). */
interface Database {
  dialect: "pglite" | "postgres";
  raw(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

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
const DISTRIBUTED_TABLES = [
  "transactions",
  "merchant_daily",
  "merchant_hourly",
  "merchant_customers",
  "merchant_customer_daily",
  "merchant_day_customer_bitmaps",
  "merchant_cohort_daily",
  "merchant_cohort_bitmaps",
  "merchant_segment_monthly",
  "merchant_segment_bitmaps",
  "merchant_month_amount_planes",
  "merchant_month_hour_bitmaps",
] as const;

/** What {@link distributeIfCitus} did. */
interface DistributeResult {
  /** False when the database has no `citus` extension (nothing was done). */
  citus: boolean;
  /** Tables newly distributed by merchant_id in this call. */
  distributed: string[];
  /** Tables newly made reference tables (a full copy on every node) in this call. */
  reference: string[];
}

/** True when the `citus` extension is installed in the connected database. */
async function hasCitus(database: Database): Promise<boolean> {
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
 * Idempotent (tables already distributed or reference in `pg_dist_partition` are skipped), so it
 * runs after every migrate, and takes in the tables of migrations applied to a distributed
 * database (created as plain or Citus local tables on the coordinator).
 *
 * 1. `transactions` keys include the distribution column, as Citus requires of every unique
 *    index: primary key `(merchant_id, id)` and unique `(merchant_id, bank_transaction_id)`.
 *    A bank transaction id stays unique bank-wide because the ingest's conflict check
 *    (lib/ingest/merge.ts findConflictingTransactions) refuses an id already loaded for another
 *    merchant before the insert; the insert's `on conflict do nothing` names no target, so it
 *    matches either key.
 * 2. {@link DISTRIBUTED_TABLES} distributed by `merchant_id`, colocated, without their foreign
 *    keys to merchants / customers / ingest_batches (see below why).
 * 3. Every other table of `public` (merchants, customers, accounts, runs, campaigns, …: small or
 *    bank-wide, and referenced by foreign keys from the distributed ones) becomes a reference
 *    table, in foreign-key order (referenced tables first). So does the UNLOGGED ingest staging:
 *    Citus cannot mix a coordinator-local table with reference or distributed tables in one
 *    query, and the merge joins staging with merchants, customers and transactions. pg-boss' schema stays on the
 *    coordinator untouched.
 * 4. `citus.propagate_set_commands = 'local'` for the database, so the `SET LOCAL
 *    app.merchant_id` of a merchant scope (lib/tenancy/scope.ts) reaches the workers, where
 *    row-level security of the shards reads it. And `citus.enforce_foreign_key_restrictions =
 *    off`: with it on, Citus refuses to modify a reference table that other tables reference
 *    (merchants, ingest_batches) after a parallel query in the same transaction, which is every
 *    ingest. The check guards foreign keys from distributed to reference tables checked over
 *    several connections; none is left (step 2), the remaining keys join reference tables only.
 *    Both settings apply to connections opened after this call.
 * 5. `app_merchant` and `app_portfolio` may log in (on the workers, where Citus connects as the
 *    scope's role).
 *    pg_hba must admit it from the coordinator only. Citus' views in `public` are revoked from
 *    PUBLIC, so the scoped role reads row-level-secured tables only.
 *
 * Needs a superuser (or the extension owner) connection. Throws what Citus throws (for instance
 * when no worker node is registered: `citus_add_node` first, see docs/scaling.md).
 */
export async function distributeIfCitus(database: Database): Promise<DistributeResult> {
  const result: DistributeResult = { citus: false, distributed: [], reference: [] };
  if (!(await hasCitus(database))) return result;
  result.citus = true;

  // Distributed (hash) and reference tables only. A table a later migration creates with a
  // foreign key to a reference table (merchants, users …) is already in pg_dist_partition as a
  // "Citus local table" (Citus adds it to the metadata by itself, its data on the coordinator):
  // it still has to be made a reference or distributed table, which Citus does from that state.
  const done = new Set(
    (
      await database.raw(
        `select logicalrelid::regclass::text as name from pg_dist_partition where partmethod = 'h' or repmodel = 't'`,
      )
    ).rows.map((r) => String(r.name)),
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

  // Citus refuses a subquery in the policy of a distributed or reference table ("Subqueries are
  // not supported in policies on distributed tables"). The portfolio policies of migration 0025
  // decode the scope's merchant set in a scalar subquery, once per scan (an InitPlan); here they
  // call the function directly instead: the same rows, the set decoded per row (a few bytes of
  // hex, ADR 0026). Done before the tables become Citus tables, on Citus only.
  const onceSubquery = "( SELECT app_portfolio_merchants() AS app_portfolio_merchants)";
  const { rows: policies } = await database.raw(
    `select tablename as table, policyname as name, qual from pg_policies where schemaname = 'public' and strpos(qual, $1) > 0`,
    [onceSubquery],
  );
  for (const p of policies) {
    if (done.has(String(p.table))) continue;
    const qual = String(p.qual).replaceAll(onceSubquery, "app_portfolio_merchants()");
    await database.raw(`alter policy ${ident(String(p.name))} on ${ident(String(p.table))} using (${qual})`);
  }

  // Reference tables first, referenced before referencing: a distributed table's foreign keys
  // may only point at reference tables that already exist as such.
  const { rows: tables } = await database.raw(`
    select c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relpersistence in ('p', 'u')`);
  const distributed = new Set<string>(DISTRIBUTED_TABLES);
  const candidates = tables.map((r) => String(r.name)).filter((t) => !distributed.has(t));
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
    // Citus refuses DML on a reference table after parallel DML on a distributed table that has
    // a foreign key to it, in one transaction: every ingest (transactions + rollups, then
    // merchants.rollup_version and ingest_batches) would fail or run shard by shard. The keys go;
    // the rows they guarded are produced by joins on merchants and customers (lib/ingest/merge.ts)
    // and neither table ever loses a row.
    const { rows: keys } = await database.raw(
      `select conname as name from pg_constraint where contype = 'f' and conrelid = '${ident(t)}'::regclass`,
    );
    for (const k of keys) await database.raw(`alter table ${ident(t)} drop constraint ${ident(String(k.name))}`);
    const colocate = i === 0 ? "default" : DISTRIBUTED_TABLES[0];
    await database.raw(`select create_distributed_table('${ident(t)}', 'merchant_id', colocate_with => '${colocate}')`);
    result.distributed.push(t);
  }

  const { rows: db } = await database.raw(`select current_database() as name`);
  // Citus opens the shard connections of a scoped query as the current role: app_merchant must
  // be able to log in on the workers. Roles are propagated (and re-synced whenever a node is
  // added), so the attribute is set cluster-wide; pg_hba keeps the role out from anywhere but
  // the coordinator (docs/scaling.md "Citus", operator steps). No password: it never logs in
  // from outside.
  await database.raw(`alter role app_merchant login`);
  // The portfolio scope's role (drizzle/0025, ADR 0026) reads shards the same way.
  await database.raw(`alter role app_portfolio login`);
  // Citus' views in public (table and schema names, sizes, owners) are granted to PUBLIC; the
  // scoped role reads row-level-secured tables only (wall 1, tests/integration/tenancy-db).
  const { rows: views } = await database.raw(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'v' and c.relname like 'citus%'`,
  );
  for (const v of views) await database.raw(`revoke all on ${ident(String(v.name))} from public`);
  const name = ident(String(db[0].name));
  await database.raw(`alter database ${name} set citus.propagate_set_commands = 'local'`);
  await database.raw(`alter database ${name} set citus.enforce_foreign_key_restrictions = off`);
  return result;
}

/**
 * The runner the job queue's migration goes through. On Citus, pg-boss' own migration (one
 * `BEGIN; … COMMIT;` text: CREATE SCHEMA pgboss, types, tables) must stay on the coordinator:
 * Citus would forward the schema and types, with the whole multi-statement text, to the workers,
 * which refuse it. The queue's tables are the coordinator's alone (every job goes through it),
 * so DDL propagation is switched off inside those transactions. Elsewhere: the database itself.
 */
export async function queueMigrationRunner(database: Database): Promise<Pick<Database, "raw">> {
  if (!(await hasCitus(database))) return database;
  return {
    raw: (text, values) =>
      database.raw(
        /^\s*begin\s*;/i.test(text) ? text.replace(/^\s*begin\s*;/i, "BEGIN; SET LOCAL citus.enable_ddl_propagation = off;") : text,
        values,
      ),
  };
}
