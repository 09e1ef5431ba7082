/**
 * POST /api/unsubscribe (RFC 8058 one-click) without a Next server: the process database is this
 * file's test database (as in campaigns-route.test.ts). A forged or missing signature → 400 and
 * nothing changed; the signed link → 200 and alert e-mails off; a browser form → 303 to the page.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

const state = vi.hoisted(() => ({ database: undefined as Promise<unknown> | undefined }));
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
const { seedUser } = await import("./tenancy-fixtures");
const { queryRows } = await import("@/db/client");
const { signUnsubscribe } = await import("@/lib/mail/unsubscribe");
const route = await import("@/app/api/unsubscribe/route");

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
});
afterAll(async () => {
  await database?.close();
});

const post = (query: string, headers: Record<string, string> = {}) =>
  route.POST(new Request(`https://bank.test/api/unsubscribe?${query}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: "List-Unsubscribe=One-Click" }));
const emailOn = async (id: string) => (await queryRows<{ email: boolean | null }>(database.db, sql`select (select email from alert_preferences where user_id = ${id}) as email`))[0].email;

describe("POST /api/unsubscribe", () => {
  it("refuses a forged, foreign or missing signature with 400 and changes nothing", async () => {
    const a = await seedUser(database, { prefix: "a" });
    const b = await seedUser(database, { prefix: "b" });
    for (const q of [`u=${a.id}&l=alerts&s=${signUnsubscribe(b.id, "alerts")}`, `u=${a.id}&l=alerts`, `u=${a.id}&l=digest&s=${signUnsubscribe(a.id, "alerts")}`]) {
      const res = await post(q);
      expect(res.status).toBe(400);
    }
    expect(await emailOn(a.id)).toBeNull();
  });

  it("one-click with the signed link: 200 and alert e-mails off; again: still 200; a browser form: 303 to the page", async () => {
    const a = await seedUser(database, { prefix: "one" });
    const q = new URLSearchParams({ u: a.id, l: "alerts", s: signUnsubscribe(a.id, "alerts") }).toString();
    const res = await post(q);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("unsubscribed\n");
    expect(await emailOn(a.id)).toBe(false);
    expect((await post(q)).status).toBe(200);
    const form = await post(new URLSearchParams({ u: a.id, l: "digest", s: signUnsubscribe(a.id, "digest") }).toString(), { accept: "text/html" });
    expect(form.status).toBe(303);
    // a path, not an absolute URL built from the request (whose host, behind next start or a
    // proxy, is the server's own: the browser's form-action 'self' then blocked the redirect)
    expect(form.headers.get("location")).toBe("/unsubscribe?done=digest");
    const [u] = await queryRows<{ d: number }>(database.db, sql`select digest_weekday as d from users where id = ${a.id}`);
    expect(u.d).toBe(0);
  });
});
