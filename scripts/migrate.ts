import { closeDatabase, getDatabase, migrateDatabase } from "@/db/client";

/** `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded PGlite when unset. */
async function main() {
  const database = await getDatabase();
  await migrateDatabase(database);
  console.log(`migrations applied (${database.dialect})`);
  await closeDatabase();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
