import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { ensureMerchant, ingestFile } from "@/lib/ingest";
import { completeModelJob, enqueueModelJobs, listModelJobs } from "@/lib/jobs/outbox";
import { runPendingModelJobs } from "@/lib/jobs/runModels";
import { openTestDatabase, uniqueSlug } from "../helpers/db";
import { csv, tempDir } from "./ingest-fixtures";

/* The model-job outbox: filled by ingest inside its merge transaction, drained by the worker. */
const HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";
let database: Database;
const tmp = tempDir("jobs-outbox");

async function merchant(mcc: string) {
  const slug = uniqueSlug("outbox");
  const m = await ensureMerchant(database, {
    slug,
    name: "Outbox Test",
    mcc,
    timeZone: "UTC",
    currency: "EUR",
    country: "DE",
    bankMerchantIds: [`${slug}-t`],
  });
  return { ...m, slug, mcc, terminal: `${slug}-t` };
}

const pending = () =>
  queryRows<{ merchant_id: number; reason: string }>(database.db, sql`select merchant_id, reason from model_jobs order by merchant_id`);

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
  tmp.cleanup();
});

describe("model-job outbox", () => {
  it("a committed ingest requests a run for exactly the merchants it touched; a refused one requests nothing", async () => {
    const m1 = await merchant("5411");
    const m2 = await merchant("5411");
    const m3 = await merchant("5812");
    expect(await pending()).toEqual([]);
    const ok = await ingestFile(database, {
      format: "transactions",
      file: tmp.write(
        "ok.csv",
        csv(HEADER, [
          `${m1.slug}-1,${m1.terminal},cust-1,1000,EUR,2024-03-01T10:00:00Z,offline,purchase`,
          `${m1.slug}-2,${m1.terminal},cust-2,2000,EUR,2024-03-02T10:00:00Z,offline,purchase`,
          `${m2.slug}-1,${m2.terminal},cust-1,500,EUR,2024-03-03T10:00:00Z,online,purchase`,
        ]),
      ),
    });
    expect(ok.ok).toBe(true);
    const ids = [m1.id, m2.id].sort((x, y) => x - y);
    expect(await pending()).toEqual(ids.map((id) => ({ merchant_id: id, reason: "ingest" })));

    const refused = await ingestFile(database, {
      format: "transactions",
      file: tmp.write(
        "bad.csv",
        csv(HEADER, [
          `${m3.slug}-1,${m3.terminal},cust-3,700,EUR,2024-03-01T10:00:00Z,offline,purchase`,
          `${m3.slug}-2,${m3.terminal},cust-3,oops,EUR,2024-03-01T10:00:00Z,offline,purchase`,
        ]),
      ),
    });
    expect(refused.ok).toBe(false);
    expect((await pending()).map((r) => r.merchant_id)).toEqual(ids);

    // A re-load adds no rows, touches no day, and requests nothing new.
    const before = await listModelJobs(database.db);
    const again = await ingestFile(database, { format: "transactions", file: tmp.write("ok2.csv", csv(HEADER, [`${m1.slug}-1,${m1.terminal},cust-1,1000,EUR,2024-03-01T10:00:00Z,offline,purchase`])) });
    expect(again.rowsInserted).toBe(0);
    expect(await listModelJobs(database.db)).toEqual(before);
  });

  it("sends a load's jobs so that the queue runs them in MCC-group order, a group's members one after another", async () => {
    const made: Awaited<ReturnType<typeof merchant>>[] = [];
    for (const mcc of ["5812", "5411", "5814", "5411", "5812", "5411"]) made.push(await merchant(mcc));
    await database.db.transaction((tx) => enqueueModelJobs(tx, made.map((m) => m.id).reverse(), "test"));
    const keys = made.map((m) => String(m.id));
    // What pg-boss's fetch orders by (priority, then created_on, then id): one transaction, one created_on.
    const queued = await queryRows<{ key: string }>(
      database.db,
      sql`select singleton_key as key from pgboss.job where name = 'models' and state = 'created' and singleton_key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)})
          order by priority desc, created_on, id`,
    );
    const byGroup = [...made].sort((a, b) => a.mcc.slice(0, 2).localeCompare(b.mcc.slice(0, 2)) || a.id - b.id).map((m) => String(m.id));
    expect(queued.map((q) => q.key)).toEqual(byGroup);
    // Leave the outbox and the queue as the next test expects them.
    await database.db.execute(sql`delete from model_jobs where merchant_id in (${sql.join(made.map((m) => sql`${m.id}`), sql`, `)})`);
    await database.db.execute(sql`delete from pgboss.job where name = 'models' and singleton_key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)})`);
  });

  it("the worker runs every family for each pending merchant and empties the outbox", async () => {
    const before = await listModelJobs(database.db);
    const processed = await runPendingModelJobs(database);
    expect(processed.map((p) => p.job.merchantId)).toEqual(before.map((j) => j.merchantId));
    for (const p of processed) {
      expect(p.requeued).toBe(false);
      expect(p.outcomes.map((o) => [o.kind, o.version])).toEqual([
        ["clv", 1],
        ["churn", 1],
        ["segments", 1],
        ["forecast", 1],
        ["findings", 1],
        ["switching", 1],
      ]);
      // Two customers at most: CLV and churn fail with reasons, the segment table succeeds; one
      // day of data is too short to forecast, and the findings run has nothing to compare yet; the
      // competitor-leaving forecast needs 5 peers of the MCC (ADR 0024) and fails without them.
      expect(p.outcomes.map((o) => o.status)).toEqual(["failed", "failed", "succeeded", "failed", "succeeded", "failed"]);
      expect(p.outcomes[5].error).toMatch(/^category spend at peers is withheld \(fewer than 5 peer merchants\): no competitor-leaving forecast$/);
      expect(p.outcomes[3].error).toMatch(/^only [12] days of history; forecasts need at least 9$/);
      expect(p.outcomes[0].error).toMatch(/^too few repeat customers to fit customer value: 0 \(at least 20 needed\)$/);
    }
    expect(await pending()).toEqual([]);
    const [runs] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from model_runs`);
    // Two merchants × six kinds.
    expect(runs.n).toBe(12);
    // An empty outbox is a no-op.
    expect(await runPendingModelJobs(database)).toEqual([]);
  });

  it("a request made while a merchant's models ran stays pending", async () => {
    const m = await merchant("5411");
    await enqueueModelJobs(database.db, [m.id, m.id], "cli");
    const [job] = await listModelJobs(database.db);
    expect(job).toMatchObject({ merchantId: m.id, reason: "cli" });
    await enqueueModelJobs(database.db, [m.id], "ingest");
    expect(await completeModelJob(database.db, job)).toBe(false);
    expect(await pending()).toEqual([{ merchant_id: m.id, reason: "ingest" }]);
    const [newer] = await listModelJobs(database.db);
    expect(await completeModelJob(database.db, newer)).toBe(true);
    expect(await pending()).toEqual([]);
    await expect(enqueueModelJobs(database.db, [0], "cli")).rejects.toThrow(/invalid merchant id/);
  });
});
