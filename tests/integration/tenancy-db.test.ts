/**
 * Wall 1, the database half: row-level security with a role switch per scoped transaction.
 * Runs on both databases (TEST_DATABASE=pglite|postgres); PGlite runs as superuser, so these
 * tests also prove the role switch is what enforces the policies there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { openTestDatabase } from "../helpers/db";
import { MERCHANT_OWNED_TABLES, seedMerchant, seedUser, tenantColumn, type SeededMerchant } from "./tenancy-fixtures";

let database: Database;
let a: SeededMerchant;
let b: SeededMerchant;

beforeAll(async () => {
  database = await openTestDatabase();
  a = await seedMerchant(database, "Shop A", 4);
  b = await seedMerchant(database, "Shop B", 6);
  await seedUser(database, { memberships: [[a.id, "merchant_owner"]] });
  await seedUser(database, { memberships: [[b.id, "merchant_owner"]] });
  await seedUser(database, { memberships: [[a.id, "relationship_manager"], [b.id, "relationship_manager"]] });
});
afterAll(async () => {
  await database?.close();
});

/**
 * The database's own message of a failed query: drizzle wraps driver errors in "Failed query: …"
 * with the PostgreSQL error as `cause`.
 */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String((error as Error).message);
  }
  return "(no error)";
}

/** Rows per tenant in `table`, as [{ merchant_id, n }] ordered by tenant. */
async function countsByTenant(executor: Pick<Database["db"], "execute">, table: string) {
  const column = sql.raw(tenantColumn(table));
  return queryRows<{ merchant_id: number; n: number }>(
    executor,
    sql`select ${column} as merchant_id, count(*)::int as n from ${sql.raw(table)} group by 1 order by 1`,
  );
}

describe("scoped transaction (withMerchantScope)", () => {
  it("the owner connection sees both merchants in every merchant-owned table (the seed is complete)", async () => {
    for (const table of MERCHANT_OWNED_TABLES) {
      const counts = await countsByTenant(database.db, table);
      const tenants = counts.map((c) => c.merchant_id);
      expect(tenants, table).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(counts.every((c) => c.n > 0), table).toBe(true);
    }
  });

  it("a scope for A sees exactly A's rows in every merchant-owned table, and B's scope only B's", async () => {
    for (const m of [a, b]) {
      const owner = await Promise.all(MERCHANT_OWNED_TABLES.map((t) => countsByTenant(database.db, t)));
      const scoped = await withMerchantScope(database, m.id, (tx) =>
        Promise.all(MERCHANT_OWNED_TABLES.map((t) => countsByTenant(tx, t))),
      );
      MERCHANT_OWNED_TABLES.forEach((table, i) => {
        const expected = owner[i].filter((c) => c.merchant_id === m.id);
        expect(expected.length, table).toBe(1);
        expect(scoped[i], table).toEqual(expected);
      });
    }
  });

  it("a scope cannot widen itself: a where clause naming B returns nothing in A's scope", async () => {
    const rows = await withMerchantScope(database, a.id, (tx) =>
      queryRows(tx, sql`select id from transactions where merchant_id = ${b.id}`),
    );
    expect(rows).toEqual([]);
  });

  it("the setting is transaction-local: it does not leak into the next transaction", async () => {
    await withMerchantScope(database, a.id, async (tx) => {
      await queryRows(tx, sql`select 1`);
    });
    const after = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role app_merchant`);
      return queryRows<{ v: string | null }>(tx, sql`select current_setting('app.merchant_id', true) as v`);
    });
    expect([null, ""]).toContain(after[0].v);
  });

  it("rejects an invalid merchant id before touching the database", async () => {
    for (const id of [0, -1, 1.5, Number.NaN]) {
      await expect(withMerchantScope(database, id, async () => 1)).rejects.toThrow(/invalid merchant id/);
    }
  });
});

describe("role app_merchant without the setting (a forgotten wrapper)", () => {
  it("sees 0 rows in every merchant-owned table", async () => {
    const counts = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role app_merchant`);
      const out: Record<string, number> = {};
      for (const table of MERCHANT_OWNED_TABLES) {
        const [row] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.raw(table)}`);
        out[table] = row.n;
      }
      return out;
    });
    expect(counts).toEqual(Object.fromEntries(MERCHANT_OWNED_TABLES.map((t) => [t, 0])));
  });

  it("sees 0 rows with an empty setting too", async () => {
    const [row] = await database.db.transaction(async (tx) => {
      // The owner sets the setting (the scoped role may not call set_config since issue 14 item 10).
      await tx.execute(sql`select set_config('app.merchant_id', '', true)`);
      await tx.execute(sql`set local role app_merchant`);
      return queryRows<{ n: number }>(tx, sql`select count(*)::int as n from transactions`);
    });
    expect(row.n).toBe(0);
  });
});

describe("what the scoped role may not do", () => {
  for (const table of ["customers", "users", "accounts", "sessions", "ingest_batches", "staging_transactions"]) {
    it(`cannot read ${table} at all (permission denied)`, async () => {
      const message = await failure(
        withMerchantScope(database, a.id, (tx) => queryRows(tx, sql`select count(*) from ${sql.raw(table)}`)),
      );
      expect(message).toMatch(new RegExp(`permission denied for table ${table}`));
    });
  }

  const writes = (id: number) => [
    sql`insert into merchant_bank_ids (bank_merchant_id, merchant_id) values ('forged', ${id})`,
    sql`update merchant_daily set gross_sales_minor = 0 where merchant_id = ${id}`,
    sql`delete from transactions where merchant_id = ${id}`,
    sql`update merchants set name = 'hijacked' where id = ${id}`,
    sql`insert into memberships (user_id, merchant_id, role) select id, ${id}, 'merchant_owner' from users limit 1`,
  ];

  // Issue 14 item 10: a second set_config inside the scope moved it to another merchant, and
  // set_config('role', …) (the function form of SET/RESET ROLE) left the role, in one SELECT.
  it("cannot call set_config: neither re-point app.merchant_id nor leave the role from a query", async () => {
    for (const statement of [
      sql`select set_config('app.merchant_id', ${String(b.id)}, true)`,
      sql`select set_config('role', 'none', true)`,
      sql`select set_config('role', current_setting('is_superuser') , true)`,
    ]) {
      expect(await failure(withMerchantScope(database, a.id, (tx) => tx.execute(statement)))).toMatch(/permission denied for function set_config/);
    }
    // The scope still sees exactly its own rows afterwards.
    const rows = await withMerchantScope(database, a.id, (tx) => queryRows<{ id: number }>(tx, sql`select id from merchants`));
    expect(rows.map((r) => r.id)).toEqual([a.id]);
  });

  // Issue 14 item 10, the rest: RESET ROLE / SET ROLE / SET app.merchant_id sent as their own
  // statements returned to the owner (which bypasses RLS) or re-pointed the scope. Before the
  // guard, the first statement below made the next query see both merchants.
  it("cannot leave the role or move the setting with a statement of its own", async () => {
    const escapes = [
      "reset role",
      "RESET ROLE",
      "  /* hi */ -- x\n reset all",
      "set role postgres",
      "set local role none",
      `set local app.merchant_id = '${b.id}'`,
      `set app.merchant_id to '${b.id}'`,
      "reset app.merchant_id",
      "set session authorization default",
      "reset session authorization",
      "discard all",
      "do $$ begin execute 'reset role'; end $$",
      "commit",
      "rollback",
    ];
    for (const statement of escapes) {
      const seen = await withMerchantScope(database, a.id, async (tx) => {
        await tx.execute(sql.raw(statement));
        return queryRows<{ id: number }>(tx, sql`select id from merchants order by id`);
      }).then(
        (rows) => rows.map((r) => r.id),
        (error: Error) => error.name,
      );
      expect(seen, statement).toBe("ScopeEscapeError");
    }
    // Nested transactions are guarded too, and data statements (with comments, CTEs, savepoints)
    // still run.
    const nested = await withMerchantScope(database, a.id, (tx) =>
      tx.transaction((inner) => inner.execute(sql`reset role`)).then(
        () => "ran",
        (error: Error) => error.name,
      ),
    );
    expect(nested).toBe("ScopeEscapeError");
    const ids = await withMerchantScope(database, a.id, (tx) =>
      tx.transaction((inner) =>
        queryRows<{ id: number }>(inner, sql.raw("-- own rows\n(with m as (select id from merchants) select id from m)")),
      ),
    );
    expect(ids.map((r) => r.id)).toEqual([a.id]);
  });

  it("runs as app_merchant, read-only by default, read-write only when asked", async () => {
    const state = (write: boolean) =>
      withMerchantScope(
        database,
        a.id,
        (tx) =>
          queryRows<{ who: string; ro: string; m: string }>(
            tx,
            sql`select current_user::text as who, current_setting('transaction_read_only') as ro, current_setting('app.merchant_id') as m`,
          ),
        { write },
      );
    expect(await state(false)).toEqual([{ who: "app_merchant", ro: "on", m: String(a.id) }]);
    expect(await state(true)).toEqual([{ who: "app_merchant", ro: "off", m: String(a.id) }]);
  });

  it("cannot insert, update or delete in its default read-only scope", async () => {
    for (const statement of writes(a.id)) {
      expect(await failure(withMerchantScope(database, a.id, (tx) => tx.execute(statement)))).toMatch(
        /read-only transaction|permission denied/,
      );
    }
  });

  it("cannot insert, update or delete even in a writable scope (no grants)", async () => {
    for (const statement of writes(a.id)) {
      expect(await failure(withMerchantScope(database, a.id, (tx) => tx.execute(statement), { write: true }))).toMatch(
        /permission denied/,
      );
    }
    // Nothing changed.
    const [m] = await queryRows<{ name: string }>(database.db, sql`select name from merchants where id = ${a.id}`);
    expect(m.name).toBe("Shop A");
    const [t] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from transactions where merchant_id = ${a.id}`);
    expect(t.n).toBe(5);
  });
});

describe("guard: every table the scoped role can read has row-level security", () => {
  it("no table readable by app_merchant lacks RLS, and every table with merchant_id is RLS or unreadable", async () => {
    const rows = await queryRows<{ table: string; rls: boolean; readable: boolean; has_merchant_id: boolean }>(
      database.db,
      sql`select c.relname as table, c.relrowsecurity as rls,
                 has_table_privilege('app_merchant', c.oid, 'SELECT') as readable,
                 exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'merchant_id' and not a.attisdropped) as has_merchant_id
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
          order by 1`,
    );
    const readableWithoutRls = rows.filter((r) => r.readable && !r.rls).map((r) => r.table);
    expect(readableWithoutRls).toEqual([]);
    const ownedUnprotected = rows.filter((r) => r.has_merchant_id && r.readable && !r.rls).map((r) => r.table);
    expect(ownedUnprotected).toEqual([]);
    const readable = rows.filter((r) => r.readable).map((r) => r.table);
    expect(readable).toEqual(expect.arrayContaining([...MERCHANT_OWNED_TABLES]));
  });
});
