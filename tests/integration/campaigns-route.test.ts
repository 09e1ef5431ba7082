/**
 * The browser upload path without a Next server: POST /api/m/[slug]/campaigns with the file as a
 * streamed request body, then the report and the effects CSV routes. The session comes from a
 * mocked `@/lib/auth/config`, the process database is this file's test database (as in
 * auth-route.test.ts). Proves: owner uploads (import + report), viewer 403, another tenant 404 on
 * upload, report and CSV.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));
vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return {
    ...original,
    getDatabase: () => {
      if (!state.database) throw new Error("test database not open");
      return state.database;
    },
  };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const campaignsRoute = await import("@/app/api/m/[slug]/campaigns/route");
const reportRoute = await import("@/app/api/m/[slug]/campaigns/[id]/route");
const effectsRoute = await import("@/app/api/m/[slug]/campaigns/[id]/effects/route");

let database: Database;
let a: { id: number; slug: string };
let b: { id: number; slug: string };
let ownerA: { id: string };
let viewerA: { id: string };
let ownerB: { id: string };

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  a = await seedMerchant(database, "Shop A", 4);
  b = await seedMerchant(database, "Shop B", 4);
  ownerA = await seedUser(database, { memberships: [[a.id, "merchant_owner"]] });
  viewerA = await seedUser(database, { memberships: [[a.id, "merchant_viewer"]] });
  ownerB = await seedUser(database, { memberships: [[b.id, "merchant_owner"]] });
}, 60_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  state.session = null;
});
const signIn = (id: string) => (state.session = { user: { id } });
const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });

/** The file's bytes as a stream of small chunks, as a browser upload arrives. */
function upload(slug: string, text: string, fileName = "spring.csv"): Request {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + 1000));
      at += 1000;
    },
  });
  return new Request(`http://localhost/api/m/${slug}/campaigns?fileName=${fileName}&name=Spring`, {
    method: "POST",
    body,
    duplex: "half",
  } as RequestInit);
}

const file = [
  "customer_id,group,action,sent_at,conversion,tenure",
  // The SMS works on short-tenure customers (tenure < 5 all buy), so the uplift model is clearly
  // better than random and the report has per-customer effects to export (ADR 0015).
  ...Array.from({ length: 300 }, (_, i) => `r${i},${i % 2 ? "treatment" : "control"},${i % 2 ? "SMS" : ""},2024-03-01,${(i % 2 === 1 && i % 9 < 5) || (i * 7) % 10 < 2 ? 1 : 0},${i % 9}`),
].join("\n");

describe("campaign routes", () => {
  let campaignId = 0;

  it("the owner uploads a streamed file: imported and reported", async () => {
    signIn(ownerA.id);
    const res = await campaignsRoute.POST(upload(a.slug, file), ctx({ slug: a.slug }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.import).toMatchObject({ ok: true, rowsRead: 300, alreadyPresent: false, file: "spring.csv" });
    // The upload answers at once; the report is a queued job the worker computes.
    expect(body.reportQueued).toBe(true);
    campaignId = body.import.campaignId;
    const database = (await state.database) as Database;
    const { QUEUES } = await import("@/db/queue");
    const { drainQueues, startWorker } = await import("@/lib/jobs/worker");
    const { campaignReportJob } = await import("@/lib/campaigns");
    const { queryRows } = await import("@/db/client");
    const { sql } = await import("drizzle-orm");
    const waiting = await queryRows<{ state: string; key: string }>(database.db, sql`select state::text as state, singleton_key as key from pgboss.job where name = 'campaign-report'`);
    expect(waiting).toEqual([{ state: "created", key: String(campaignId) }]);
    expect(await queryRows(database.db, sql`select id from campaign_reports where campaign_id = ${campaignId}`)).toEqual([]);
    const worker = await startWorker(database, { queues: [QUEUES.campaignReport], handlers: { [QUEUES.campaignReport]: campaignReportJob }, pollingIntervalSeconds: 0.5, schedules: false, transport: null });
    try {
      await drainQueues(database, [QUEUES.campaignReport], { timeoutMs: 60_000 });
    } finally {
      await worker.stop();
    }
    const stored = await queryRows<{ version: number; status: string }>(database.db, sql`select version, status from campaign_reports where campaign_id = ${campaignId}`);
    expect(stored).toEqual([{ version: 1, status: "succeeded" }]);
    // a retried attempt (after a crash) stores no second version
    expect(await campaignReportJob(database, { campaignId })).toMatchObject({ skipped: true });
    expect(await queryRows(database.db, sql`select id from campaign_reports where campaign_id = ${campaignId}`)).toHaveLength(1);
    const list = await (await campaignsRoute.GET(new Request(`http://localhost/api/m/${a.slug}/campaigns`), ctx({ slug: a.slug }))).json();
    expect(list.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([[campaignId, "Spring"]]);
  });

  it("a rejected file is a 200 with the errors, and nothing is stored", async () => {
    signIn(ownerA.id);
    const res = await campaignsRoute.POST(upload(a.slug, "customer_id,group,action,sent_at\nx,treatment,SMS,2024-03-01\n", "bad.csv"), ctx({ slug: a.slug }));
    const body = await res.json();
    expect(body.import.ok).toBe(false);
    expect(body.import.errors[0].reason).toMatch(/no control group/);
    const list = await (await campaignsRoute.GET(new Request(`http://localhost/api/m/${a.slug}/campaigns`), ctx({ slug: a.slug }))).json();
    expect(list).toHaveLength(1);
  });

  it("the report and the effects CSV for the owner", async () => {
    signIn(ownerA.id);
    const report = await reportRoute.GET(new Request("http://localhost/x"), ctx({ slug: a.slug, id: String(campaignId) }));
    expect(report.status).toBe(200);
    expect((await report.json()).report.actions[0]).toMatchObject({ action: "SMS", treatment: 150, control: 150 });
    const csv = await effectsRoute.GET(new Request("http://localhost/x"), ctx({ slug: a.slug, id: String(campaignId) }));
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("customer_id,action,effect,recommended,category");
    expect(lines).toHaveLength(301);
  });

  it("a viewer may read but not upload; another tenant gets 404 everywhere", async () => {
    signIn(viewerA.id);
    expect((await campaignsRoute.POST(upload(a.slug, file), ctx({ slug: a.slug }))).status).toBe(403);
    expect((await reportRoute.GET(new Request("http://localhost/x"), ctx({ slug: a.slug, id: String(campaignId) }))).status).toBe(200);
    signIn(ownerB.id);
    expect((await campaignsRoute.POST(upload(a.slug, file), ctx({ slug: a.slug }))).status).toBe(404);
    expect((await reportRoute.GET(new Request("http://localhost/x"), ctx({ slug: b.slug, id: String(campaignId) }))).status).toBe(404);
    expect((await effectsRoute.GET(new Request("http://localhost/x"), ctx({ slug: b.slug, id: String(campaignId) }))).status).toBe(404);
    state.session = null;
    expect((await campaignsRoute.POST(upload(a.slug, file), ctx({ slug: a.slug }))).status).toBe(401);
  });
});
