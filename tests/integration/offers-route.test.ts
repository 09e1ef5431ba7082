/**
 * The bank-only offer API without a Next server (as campaigns-route.test.ts): the delivery list
 * and the per-customer effects name bank customers, so only a bank admin gets them; the
 * merchant's own owner and a relationship manager get 403, a signed-out request 401.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { queryRows, type Database } from "@/db/client";

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

const { openTestDatabase, TEST_DIALECT } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const deliveryRoute = await import("@/app/api/bank/offers/[id]/delivery/route");
const effectsRoute = await import("@/app/api/bank/offers/[id]/effects/route");

let database: Database;
let offerId: number;
let owner: { id: string };
let rm: { id: string };
let admin: { id: string };

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  const m = await seedMerchant(database, "Shop A", 4);
  owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
  rm = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m.id, "merchant_owner"]] });
  admin = await seedUser(database, { bankRole: "bank_admin" });
  const [o] = await queryRows<{ id: number }>(
    database.db,
    sql`insert into offers (merchant_id, name, status, audience, audience_size, terms, currency, starts_on, ends_on, budget_minor, primary_metric, holdout_bp, seed, pre_days, preview, timeline)
        values (${m.id}, 'Test', 'assigned', '{"kind":"all"}', 3, '{"kind":"cashback","rateBp":500,"bonusMinor":null,"capMinor":1000}', 'RUB', '2024-04-01', '2024-04-29', 100000, 'revenue', 1500, 1, 180, '{}', '[]')
        returning id`,
  );
  offerId = Number(o.id);
  await database.db.execute(sql`insert into offer_assignments (offer_id, merchant_id, customer_id, arm, stratum)
    select ${offerId}, ${m.id}, c.id, case when row_number() over (order by c.id) = 1 then 0 else 1 end, 'r1-f1'
    from customers c where c.bank_customer_id like ${`${m.slug}-c%`}`);
}, 60_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  state.session = null;
});
const signIn = (id: string) => (state.session = { user: { id } });
const get = (path: string) => new Request(`http://localhost${path}`);

describe(`bank-only offer API (${TEST_DIALECT})`, () => {
  it("gives the delivery list to a bank admin, as JSON and CSV", async () => {
    signIn(admin.id);
    const res = await deliveryRoute.GET(get(`/api/bank/offers/${offerId}/delivery`));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { format: string; customers: { bankCustomerId: string; variant: string }[] };
    expect(doc.format).toBe("offer-delivery/1");
    expect(doc.customers.map((c) => c.variant)).toEqual(["A", "A"]);
    const csv = await deliveryRoute.GET(get(`/api/bank/offers/${offerId}/delivery?format=csv`));
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).trim().split("\r\n")).toHaveLength(3);
    // No measurement yet: the effects table is a 404; an unknown offer too.
    expect((await effectsRoute.GET(get(`/api/bank/offers/${offerId}/effects`))).status).toBe(404);
    expect((await deliveryRoute.GET(get(`/api/bank/offers/999999/delivery`))).status).toBe(404);
  });

  it("refuses the merchant's owner and a relationship manager (403) and a signed-out request (401)", async () => {
    for (const user of [owner, rm]) {
      signIn(user.id);
      const res = await deliveryRoute.GET(get(`/api/bank/offers/${offerId}/delivery`));
      expect(res.status).toBe(403);
      expect(await res.text()).not.toMatch(/-c\d/);
      expect((await effectsRoute.GET(get(`/api/bank/offers/${offerId}/effects`))).status).toBe(403);
    }
    state.session = null;
    expect((await deliveryRoute.GET(get(`/api/bank/offers/${offerId}/delivery`))).status).toBe(401);
  });
});
