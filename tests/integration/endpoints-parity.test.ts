/**
 * "The API answers what the page shows", for every view of the registry (so a new view is covered
 * the day it is registered): for one seeded merchant and the same query, the token API
 * (/api/v1/m/{slug}/{view}), the session route (/api/m/{slug}/{view}) and the loader the page
 * prefetches with (lib/endpoints/prefetch.ts) give the same JSON — or the same 404. Each view's
 * query is the first of a few candidates its own zod schema accepts, so the test needs no entry
 * per view.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));
vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant } = await import("./analytics-seed");
const { seedUser } = await import("./tenancy-fixtures");
const { ALL_ENDPOINTS } = await import("@/lib/endpoints/registry");
const { createApiTokenIn } = await import("@/lib/auth/tokens");
const { loadActorIn, resolveMerchantAccessIn, NotFoundError } = await import("@/lib/auth/access");
const { QueryClient } = await import("@tanstack/react-query");
const { prefetchEndpoint } = await import("@/lib/endpoints/prefetch");
const { endpointKey } = await import("@/lib/endpoints/keys");
const sessionRoute = await import("@/app/api/m/[slug]/[view]/route");
const tokenRoute = await import("@/app/api/v1/m/[slug]/[view]/route");

let database: Database;
let slug: string;
let ownerId: string;
let token: string;

/** Query candidates, tried in order against each view's own schema: none, a whole quarter, an id. */
const CANDIDATES: Array<Record<string, string>> = [{}, { from: "2024-01-01", to: "2024-04-01" }, { id: "1" }];

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  // Eight customers over three months: regular customers, cohorts and segments above the
  // suppression threshold of 5, refunds included.
  const people = Array.from({ length: 8 }, (_, i) => ({ gender: i % 2 ? "male" : "female", birthYear: 1970 + i * 4, region: i < 4 ? "Moscow" : "Kazan" }));
  const txs: Array<[number, number, string, number]> = [];
  for (let c = 0; c < 8; c++) {
    for (const month of ["01", "02", "03"]) txs.push([c, 1000 + c * 137, `2024-${month}-${String(3 + c).padStart(2, "0")}`, 9 + c]);
  }
  txs.push([2, -500, "2024-02-20", 15]);
  const { merchant } = await seedMerchant(database, people, txs, { currency: "GBP" });
  slug = merchant.slug;
  const owner = await seedUser(database, { memberships: [[merchant.id, "merchant_owner"]] });
  ownerId = owner.id;
  ({ token } = await createApiTokenIn(database, { actor: { userId: owner.id, email: owner.email }, merchant, role: "merchant_owner" }, "parity"));
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe.each(ALL_ENDPOINTS.map((d) => [d.name, d] as const))("%s", (_name, def) => {
  it("token API = session route = the page's loader for the same query", async () => {
    const query = CANDIDATES.find((q) => def.query.safeParse(q).success);
    expect(query, `no candidate query fits ${def.name}; add one to CANDIDATES`).toBeDefined();
    const qs = new URLSearchParams(query).toString();
    const params = { params: Promise.resolve({ slug, view: def.name }) };

    state.session = null;
    const api = await tokenRoute.GET(new Request(`http://localhost/api/v1/m/${slug}/${def.name}?${qs}`, { headers: { authorization: `Bearer ${token}` } }), params);
    state.session = { user: { id: ownerId } };
    const session = await sessionRoute.GET(new Request(`http://localhost/api/m/${slug}/${def.name}?${qs}`), params);

    // The page: its access (session owner) and its prefetch helper, read back from the cache.
    const actor = (await loadActorIn(database, ownerId))!;
    const access = (await resolveMerchantAccessIn(database, actor, slug))!;
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let pageError: unknown = null;
    try {
      await def.load(access, def.query.parse(query));
    } catch (err) {
      pageError = err;
    }
    if (pageError) {
      expect(pageError).toBeInstanceOf(NotFoundError);
      expect([api.status, session.status]).toEqual([404, 404]);
      expect(await api.json()).toEqual(await session.json());
      return;
    }
    await prefetchEndpoint(client, access, def, query as never);
    const page = client.getQueryData(endpointKey(def.name, slug, query));
    expect(page).toBeDefined();
    expect([api.status, session.status]).toEqual([200, 200]);
    const apiBody = await api.json();
    expect(apiBody).toEqual(JSON.parse(JSON.stringify(page)));
    expect(await session.json()).toEqual(apiBody);
  });
});

it("the seeded figures are real (not an empty answer compared with itself)", async () => {
  const res = await tokenRoute.GET(new Request(`http://localhost/api/v1/m/${slug}/overview?from=2024-01-01&to=2024-04-01`, { headers: { authorization: `Bearer ${token}` } }), {
    params: Promise.resolve({ slug, view: "overview" }),
  });
  const body = await res.json();
  // 24 purchases of 1000 + 137c (c = 0..7, three months each), one refund of 500.
  expect(body.current).toMatchObject({ purchases: 24, refunds: 1, customers: 8, grossSalesMinor: 3 * (8 * 1000 + 137 * 28), refundsMinor: 500 });
});
