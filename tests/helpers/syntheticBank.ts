import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Database } from "@/db/client";
import { ingestFile, type IngestFormat } from "@/lib/ingest";
import { BANK_FILES, writeBank } from "@/lib/synthetic";
import { openTestDatabase } from "./db";

/**
 * The small synthetic bank of the integration tests (seed 42, 3,000 customers, about 120,000
 * transactions; docs/synthetic-bank.md), written to a new temporary folder and ingested
 * (merchants, customers, transactions) into a fresh test database.
 *
 * @param prefix names the temporary folder (`<prefix>-XXXXXX` under the OS temp dir)
 * @returns the database, the folder with the bank's files (its truths included), and `cleanup`
 *          that closes the database and removes the folder
 * @throws Error when a file fails to ingest
 */
export async function loadSmallSyntheticBank(prefix: string): Promise<{ database: Database; dir: string; cleanup: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  await writeBank(dir, { seed: 42, customers: 3000, targetTransactions: 120_000 });
  const database = await openTestDatabase();
  const cleanup = async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const [format, name] of [
    ["merchants", BANK_FILES.merchants],
    ["customers", BANK_FILES.customers],
    ["transactions", BANK_FILES.transactions],
  ] as [IngestFormat, string][]) {
    const report = await ingestFile(database, { format, file: path.join(dir, name) });
    if (!report.ok) {
      await cleanup();
      throw new Error(`the synthetic bank's ${name} failed to ingest: ${JSON.stringify(report.errors?.slice(0, 3))}`);
    }
  }
  return { database, dir, cleanup };
}
