import { closeDatabase, getDatabase } from "@/db/client";
import { distributeIfCitus } from "@/db/distribute";

/**
 * `npm run db:distribute`: the Citus step alone on DATABASE_URL (db/distribute.ts). `db:migrate`
 * already runs it after the migrations; this one reports what it did, or that the database has
 * no `citus` extension (single-node PostgreSQL, PGlite) and nothing was changed.
 */
async function main() {
  const database = await getDatabase();
  const result = await distributeIfCitus(database);
  if (!result.citus) console.log(`no citus extension in this database (${database.dialect}): nothing to distribute`);
  else {
    console.log(`distributed by merchant_id: ${result.distributed.join(", ") || "(already)"}`);
    console.log(`reference tables: ${result.reference.join(", ") || "(already)"}`);
  }
  await closeDatabase();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
