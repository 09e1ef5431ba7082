import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { distributeIfCitus } from "@/db/distribute";
import { openTestDatabase } from "../helpers/db";

/*
 * The Citus step (db/distribute.ts, docs/adr/0021-citus.md) on whatever server the suite runs:
 * on PGlite and single-node PostgreSQL it changes nothing; on a Citus coordinator
 * (TEST_POSTGRES_URL at one, docs/scaling.md "Citus" step 6) every per-merchant fact table is
 * hash-distributed by merchant_id in one colocation group with transactions, every other table of
 * `public` is a reference table, and a table a later migration adds to a distributed database
 * (a Citus local table as soon as it has a foreign key to a reference table) is taken in by the
 * next run of the step.
 */

/** transactions and every per-merchant rollup of db/schema/rollups.ts (migrations 0001–0030). */
const DISTRIBUTED = [
  "merchant_cohort_bitmaps",
  "merchant_cohort_daily",
  "merchant_customer_daily",
  "merchant_customers",
  "merchant_daily",
  "merchant_day_customer_bitmaps",
  "merchant_hourly",
  "merchant_month_amount_planes",
  "merchant_month_hour_bitmaps",
  "merchant_segment_bitmaps",
  "merchant_segment_monthly",
  "transactions",
];

let database: Database;
let citus = false;

async function publicTables(): Promise<string[]> {
  const { rows } = await database.raw(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
  );
  return rows.map((r) => String(r.name));
}

/** pg_dist_partition as (table, kind, distribution column, colocation group). */
async function citusTables() {
  const { rows } = await database.raw(
    `select logicalrelid::regclass::text as name,
            case when partmethod = 'h' then 'distributed' when repmodel = 't' then 'reference' else 'local' end as kind,
            column_to_column_name(logicalrelid, partkey) as column, colocationid as colocation
     from pg_dist_partition order by 1`,
  );
  return rows.map((r) => ({ name: String(r.name), kind: String(r.kind), column: r.column === null ? null : String(r.column), colocation: Number(r.colocation) }));
}

beforeAll(async () => {
  database = await openTestDatabase();
  const { rows } = await database.raw(`select 1 from pg_extension where extname = 'citus'`).catch(() => ({ rows: [] }));
  citus = rows.length > 0;
});

afterAll(async () => {
  await database?.close();
});

describe("db:distribute", () => {
  it("leaves a database without the citus extension as drizzle/ made it", async (ctx) => {
    if (citus) ctx.skip(); // the Citus cases below
    const before = await publicTables();
    expect(await distributeIfCitus(database)).toEqual({ citus: false, distributed: [], reference: [] });
    expect(await publicTables()).toEqual(before);
  });

  it("on Citus: per-merchant facts distributed by merchant_id with transactions, everything else reference", async (ctx) => {
    if (!citus) ctx.skip(); // only on a Citus coordinator (docs/scaling.md "Citus", step 6)
    const tables = await citusTables();
    const distributed = tables.filter((t) => t.kind === "distributed");
    expect(distributed.map((t) => t.name)).toEqual(DISTRIBUTED);
    expect(new Set(distributed.map((t) => t.column))).toEqual(new Set(["merchant_id"]));
    const anchor = distributed.find((t) => t.name === "transactions")!.colocation;
    expect(distributed.filter((t) => t.colocation !== anchor).map((t) => t.name)).toEqual([]);
    const reference = tables.filter((t) => t.kind === "reference").map((t) => t.name);
    expect(reference).toEqual((await publicTables()).filter((t) => !DISTRIBUTED.includes(t)));
    expect(tables.filter((t) => t.kind === "local")).toEqual([]);
    // a second run finds nothing left to do
    expect(await distributeIfCitus(database)).toEqual({ citus: true, distributed: [], reference: [] });
  });

  it("on Citus: a table a later migration adds with a key to merchants becomes a reference table", async (ctx) => {
    if (!citus) ctx.skip(); // only on a Citus coordinator, like the case above
    await database.raw(`create table later_migration_notes (id integer primary key, merchant_id integer not null references merchants (id))`);
    // a plain table of the coordinator until the step runs again (the coordinator is not in this
    // database's metadata, docs/scaling.md "Citus" step 5)
    expect((await citusTables()).find((t) => t.name === "later_migration_notes")).toBeUndefined();
    expect(await distributeIfCitus(database)).toEqual({ citus: true, distributed: [], reference: ["later_migration_notes"] });
    expect((await citusTables()).find((t) => t.name === "later_migration_notes")?.kind).toBe("reference");
    const { rows } = await database.raw(`select nodeport as port from citus_shards where table_name = 'later_migration_notes'::regclass order by 1`);
    expect(rows.map((r) => Number(r.port))).toHaveLength(2); // one copy on each worker
  });
});
