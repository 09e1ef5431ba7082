import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { deliverPendingEmails, listOutbox, queueEmail, type MailTransport } from "@/lib/mail";
import { openTestDatabase } from "../helpers/db";

/* The e-mail outbox: queued inside the caller's transaction, listed for the UI, delivered over a transport. */
let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("email outbox", () => {
  it("queues with the transaction and keeps nothing when it rolls back", async () => {
    const id = await queueEmail(database.db, { kind: "invitation", to: " Owner@Shop.Example ", subject: "Join", text: "https://x/accept?t=1" });
    expect(id).toBeGreaterThan(0);
    await expect(
      database.db.transaction(async (tx) => {
        await queueEmail(tx, { kind: "digest", to: "owner@shop.example", subject: "Weekly", text: "body" });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    const mine = await listOutbox(database.db, { to: "owner@shop.example" });
    expect(mine.map((m) => [m.kind, m.to, m.subject, m.text, m.sentAt])).toEqual([["invitation", "owner@shop.example", "Join", "https://x/accept?t=1", null]]);
  });

  it("refuses a malformed message and writes nothing", async () => {
    await expect(queueEmail(database.db, { kind: "notice", to: "not-an-address", subject: "s", text: "t" })).rejects.toThrow(/not an e-mail address/);
    await expect(queueEmail(database.db, { kind: "notice", to: "a@b.example", subject: " ", text: "t" })).rejects.toThrow(/must not be empty/);
    expect(await listOutbox(database.db, { kind: "notice" })).toEqual([]);
  });

  it("delivers pending messages once, and records failures without losing the message", async () => {
    await queueEmail(database.db, { kind: "notice", to: "ok@bank.example", subject: "A", text: "a" });
    await queueEmail(database.db, { kind: "notice", to: "bounce@bank.example", subject: "B", text: "b" });
    const delivered: string[] = [];
    const transport: MailTransport = {
      async sendMail(m) {
        if (m.to.startsWith("bounce")) throw new Error("550 mailbox unavailable");
        delivered.push(`${m.to}:${m.subject}`);
      },
    };
    expect(await deliverPendingEmails(database.db, null)).toEqual({ sent: 0, failed: 0 });
    expect(await deliverPendingEmails(database.db, transport)).toEqual({ sent: 2, failed: 1 });
    expect(delivered.sort()).toEqual(["ok@bank.example:A", "owner@shop.example:Join"]);
    const [bounced] = await listOutbox(database.db, { to: "bounce@bank.example" });
    expect([bounced.sentAt, bounced.attempts, bounced.lastError]).toEqual([null, 1, "550 mailbox unavailable"]);
    expect(await deliverPendingEmails(database.db, transport, { maxAttempts: 1 })).toEqual({ sent: 0, failed: 0 });
  });

  it("two deliverers at once send each message exactly once (the worker's e-mail job beside an action's delivery)", async () => {
    for (const to of ["c1@bank.example", "c2@bank.example", "c3@bank.example"]) await queueEmail(database.db, { kind: "notice", to, subject: "C", text: "c" });
    const sends: string[] = [];
    // A slow transport, so both deliverers have read the same pending rows before either marks one sent.
    const slow: MailTransport = {
      async sendMail(m) {
        await new Promise((r) => setTimeout(r, 50));
        sends.push(`${m.to}:${m.subject}`);
      },
    };
    const [a, b] = await Promise.all([deliverPendingEmails(database.db, slow), deliverPendingEmails(database.db, slow)]);
    // The three new messages and the one the earlier test left bounced, each sent once.
    expect(sends.sort()).toEqual(["bounce@bank.example:B", "c1@bank.example:C", "c2@bank.example:C", "c3@bank.example:C"]);
    expect(a.sent + b.sent).toBe(4);
    const rows = await listOutbox(database.db, { kind: "notice" });
    expect(rows.filter((m) => m.subject === "C").map((m) => [m.to, m.attempts, m.sentAt !== null]).sort()).toEqual([
      ["c1@bank.example", 1, true],
      ["c2@bank.example", 1, true],
      ["c3@bank.example", 1, true],
    ]);
  });
});
