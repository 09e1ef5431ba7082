/**
 * A load in a child process for the crash test (tests/integration/ingest-sweep.test.ts): ingests
 * argv[2] as canonical transactions into the database of the environment (DATABASE_URL or
 * PGLITE_DIR) and prints each progress event as one JSON line, so the parent can kill -9 it in
 * the phase it wants.
 */
import { closeDatabase, getDatabase } from "@/db/client";
import { ingestFile } from "@/lib/ingest";

const database = await getDatabase();
const report = await ingestFile(database, {
  format: "transactions",
  file: process.argv[2],
  onProgress: (p) => process.stdout.write(`${JSON.stringify({ phase: p.phase, rows: p.rows })}\n`),
});
process.stdout.write(`${JSON.stringify({ done: report.ok, inserted: report.rowsInserted })}\n`);
await closeDatabase();
