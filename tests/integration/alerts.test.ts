import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import nodemailer from "nodemailer";
import { queryRows, type Database } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { setPlanIn } from "@/lib/billing";
import { ensureMerchant, ingestFile } from "@/lib/ingest";
import { processAlertJob, saveAlertPreferences, unsubscribeByLink, listNotifications, unreadNotificationCount, markNotificationsRead } from "@/lib/jobs/alerts";
import { buildWeeklyDigests } from "@/lib/jobs/digest";
import { drainQueues, startWorker } from "@/lib/jobs/worker";
import { signUnsubscribe } from "@/lib/mail/unsubscribe";
import { openTestDatabase, TEST_DIALECT, uniqueSlug } from "../helpers/db";
import { generatePlanted } from "../helpers/plantedMerchant";
import { seedUser } from "./tenancy-fixtures";
import { csv, tempDir } from "./ingest-fixtures";

/*
 * Alerts that arrive (issue 15, lib/jobs/alerts.ts) on both databases: a load with a planted 10 %
 * price rise (tests/helpers/plantedMerchant.ts) is ingested; the worker's models job finds the
 * rise, its alert job writes notifications and queues alert e-mails, and the e-mail job delivers
 * them to a real SMTP server on loopback. Asserted: arrival within 60 minutes of the ingest
 * commit (timestamps, not a timed test), each user's language, the RFC 8058 headers and signed
 * link, who gets one (owner, viewer, a subscribed relationship manager; not an unsubscribed RM),
 * plan gating (judged at a fixed clock), idempotency, unsubscribe, and a worker killed mid-job.
 */
const HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";
const SPEC = { seed: 12, customers: 400, days: 84, asOf: "2026-06-01", plant: "priceRise" as const, plantFrom: "2026-05-04" };
const APP = "https://insights.bank.test";
const RISE = "metricChange:averageCheck:previous";

let database: Database & { url?: string };
const tmp = tempDir("alerts");

/** A message as the SMTP server received it: headers unfolded, encoded words and the body decoded. */
interface Received {
  to: string;
  at: number;
  subject: string;
  headers: Record<string, string>;
  text: string;
}
const received: Received[] = [];
let server: SMTPServer;
let transport: nodemailer.Transporter;

function decodeWords(v: string): string {
  return v.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQp(data.replace(/_/g, " ")),
  );
}
function decodeQp(v: string): string {
  const bytes: number[] = [];
  const s = v.replace(/=\r?\n/g, "");
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "=" && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}
function parseMessage(raw: string): Omit<Received, "to" | "at"> {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = raw.slice(split + 4);
  const cte = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const text = cte === "base64" ? Buffer.from(body, "base64").toString("utf8") : cte === "quoted-printable" ? decodeQp(body) : body;
  return { subject: decodeWords(headers.subject ?? ""), headers, text: text.replace(/\r\n/g, "\n") };
}

const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(database.db, q))[0].n;

async function plantedMerchant() {
  const slug = uniqueSlug("alerts");
  const m = await ensureMerchant(database, { slug, name: "Price Rise Shop", mcc: "5411", timeZone: "UTC", currency: "RUB", country: "RU", bankMerchantIds: [`${slug}-t`] });
  return { ...m, slug, terminal: `${slug}-t` };
}

function loadPlanted(m: { slug: string; terminal: string }) {
  const data = generatePlanted(SPEC);
  const rows = data.txs.map(([c, amount, day], i) => `${m.slug}-${i},${m.terminal},${m.slug}-c${c},${amount},RUB,${day}T12:00:00Z,offline,purchase`);
  return ingestFile(database, { format: "transactions", file: tmp.write(`${m.slug}.csv`, csv(HEADER, rows)) });
}

beforeAll(async () => {
  database = await openTestDatabase();
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(","), at: Date.now(), ...parseMessage(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as { port: number }).port;
  transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  transport?.close();
  if (server) await new Promise<void>((r) => server.close(() => r()));
  await database?.close();
  tmp.cleanup();
});

describe("alerts", () => {
  let m: Awaited<ReturnType<typeof plantedMerchant>>;
  let owner: { id: string; email: string };
  let viewer: { id: string; email: string };
  let rmSubscribed: { id: string; email: string };
  let rmNot: { id: string; email: string };
  let revealedAt: string;

  it("a significant finding revealed by an ingest commit reaches each subscribed user over SMTP within 60 minutes, in their language, with one-click unsubscribe", async () => {
    const previousAppUrl = process.env.APP_URL;
    process.env.APP_URL = APP;
    m = await plantedMerchant();
    // Pro on a trial: alerts are in the plan until the trial ends
    await setPlanIn(database.db, m.id, { plan: "pro", trial: true }, null);
    owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]], prefix: "owner" });
    viewer = await seedUser(database, { memberships: [[m.id, "merchant_viewer"]], prefix: "viewer" });
    rmSubscribed = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m.id, "relationship_manager"]], prefix: "rm-yes" });
    rmNot = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m.id, "relationship_manager"]], prefix: "rm-no" });
    await database.db.execute(sql`update users set locale = 'ru' where id = ${viewer.id}`);
    await saveAlertPreferences(rmSubscribed.id, { enabled: true, email: true, portfolio: true, merchantIds: null, kinds: null }, undefined, database);

    expect((await loadPlanted(m)).ok).toBe(true);
    // the ingest commit's model request: the time the alert budget is measured from
    const [job] = await queryRows<{ requested_at: string; ms: number }>(
      database.db,
      sql`select requested_at::text as requested_at, (extract(epoch from requested_at) * 1000)::float8 as ms from model_jobs where merchant_id = ${m.id}`,
    );
    revealedAt = job.requested_at;

    await database.raw(`update pgboss.queue set retry_delay = 1, retry_backoff = false where name in ('alerts', 'email')`);
    const w = await startWorker(database, { queues: [QUEUES.models, QUEUES.alerts, QUEUES.email], pollingIntervalSeconds: 0.5, schedules: false, transport });
    try {
      await drainQueues(database, [QUEUES.models, QUEUES.alerts, QUEUES.email], { timeoutMs: 240_000 });
    } finally {
      await w.stop();
      if (previousAppUrl === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = previousAppUrl;
    }

    // who got it: owner (en), viewer (ru), the RM subscribed to the portfolio; not the other RM
    const to = received.map((r) => r.to).sort();
    expect(to).toEqual([owner.email, rmSubscribed.email, viewer.email].sort());
    const mail = (email: string) => received.find((r) => r.to === email)!;
    // within the budget: SMTP accepted each message less than 60 minutes after the ingest commit
    for (const r of received) {
      expect(r.at).toBeGreaterThanOrEqual(Math.floor(job.ms));
      expect(r.at - job.ms).toBeLessThan(60 * 60_000);
    }
    // the notifications remember the commit that revealed them
    const [n] = await queryRows<{ revealed: string }>(database.db, sql`select revealed_at::text as revealed from notifications where user_id = ${owner.id} and finding_id = ${RISE}`);
    expect(n.revealed).toBe(revealedAt);

    // language: the planted price rise in English and in Russian
    expect(mail(owner.email).text).toMatch(/Average check rose by \d+(\.\d)?% vs the previous four weeks/);
    expect(mail(owner.email).text).toContain(`${APP}/m/${m.slug}/findings`);
    expect(mail(viewer.email).text).toMatch(/Средний чек: рост на \d+(,\d)?\s?% по сравнению с предыдущими четырьмя неделями/);
    expect(mail(viewer.email).subject).toMatch(/^Price Rise Shop: /);
    expect(mail(viewer.email).text).toContain("Отписаться от писем-оповещений одним нажатием");

    // RFC 8058: the POST URL in List-Unsubscribe, the One-Click header, and the signed page link in the text
    const sig = signUnsubscribe(owner.id, "alerts");
    const query = new URLSearchParams({ u: owner.id, l: "alerts", s: sig }).toString();
    expect(mail(owner.email).headers["list-unsubscribe"]).toBe(`<${APP}/api/unsubscribe?${query}>`);
    expect(mail(owner.email).headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail(owner.email).text).toContain(`${APP}/unsubscribe?${query}`);
    expect(mail(owner.email).text).not.toContain("{{unsubscribe_link}}");
    // the outbox keeps the slot, not the signed link
    expect(await count(sql`select count(*)::int as n from email_outbox where kind = 'alert' and text_body like ${"%" + sig + "%"}`)).toBe(0);

    // exactly one e-mail per recipient, one notification per (recipient, new finding)
    expect(await count(sql`select count(*)::int as n from email_outbox where kind = 'alert' and merchant_id = ${m.id}`)).toBe(3);
    const perUser = await queryRows<{ user_id: string; n: number }>(database.db, sql`select user_id, count(*)::int as n from notifications where merchant_id = ${m.id} group by user_id`);
    expect(perUser.map((r) => r.user_id).sort()).toEqual([owner.id, rmSubscribed.id, viewer.id].sort());
    const findings = perUser[0].n;
    expect(findings).toBeGreaterThanOrEqual(1);
    expect(perUser.every((r) => r.n === findings)).toBe(true);
  }, 300_000);

  it("the job is idempotent: a repeat inserts and queues nothing; a later run with the same findings alerts nothing new", async () => {
    const again = await processAlertJob(database, m.id, revealedAt);
    expect(again).toMatchObject({ gated: false, runs: 1, notified: 0, emailed: 0 });
    expect(again.findings).toBeGreaterThanOrEqual(1);
    // a newer findings run of the same data: every alert finding was in the previous run
    const { runMerchantModels } = await import("@/lib/jobs/runModels");
    const before = await queryRows<{ now: string }>(database.db, sql`select now()::text as now`);
    const [out] = await runMerchantModels(database, m.id, { kinds: ["findings"] });
    expect(out.status).toBe("succeeded");
    expect(await processAlertJob(database, m.id, before[0].now)).toMatchObject({ runs: 1, findings: 0, notified: 0, emailed: 0 });
  }, 120_000);

  it("plan gating: judged at the given clock; a plan without alerts (Start, or a lapsed trial) gets none; the digest is gated the same way", async () => {
    const wipe = () => database.db.execute(sql`delete from notifications where merchant_id = ${m.id}`);
    await wipe();
    const outboxBefore = await count(sql`select count(*)::int as n from email_outbox where kind = 'alert'`);
    // the Pro trial has ended at this clock
    const afterTrial = new Date(Date.now() + 15 * 86_400_000);
    expect(await processAlertJob(database, m.id, revealedAt, { now: afterTrial })).toMatchObject({ gated: true, notified: 0, emailed: 0 });
    await setPlanIn(database.db, m.id, { plan: "start", trial: false }, null);
    expect(await processAlertJob(database, m.id, revealedAt)).toMatchObject({ gated: true, notified: 0, emailed: 0 });
    expect(await count(sql`select count(*)::int as n from notifications where merchant_id = ${m.id}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from email_outbox where kind = 'alert'`)).toBe(outboxBefore);
    const startDigests = await buildWeeklyDigests(database, { asOf: "2026-06-01" });
    expect(startDigests.digests.filter((d) => [owner.id, viewer.id].includes(d.userId))).toEqual([]);
    // back on Pro: the same call alerts (the gate was the only difference)
    await setPlanIn(database.db, m.id, { plan: "pro", trial: false }, null);
    const proDigests = await buildWeeklyDigests(database, { asOf: "2026-06-01" });
    expect(proDigests.digests.filter((d) => [owner.id, viewer.id].includes(d.userId)).map((d) => d.userId).sort()).toEqual([owner.id, viewer.id].sort());
    expect(await processAlertJob(database, m.id, revealedAt)).toMatchObject({ gated: false, emailed: 3 });
  }, 120_000);

  it("unsubscribe: a forged signature changes nothing; the signed link stops alert e-mails (the in-app list stays) and the digest", async () => {
    await database.db.execute(sql`delete from notifications where merchant_id = ${m.id}`);
    const forged = signUnsubscribe(viewer.id, "alerts");
    expect(await unsubscribeByLink({ u: owner.id, l: "alerts", s: forged }, database)).toBeNull();
    expect(await unsubscribeByLink({ u: owner.id, l: "everything", s: signUnsubscribe(owner.id, "alerts") }, database)).toBeNull();
    expect(await count(sql`select count(*)::int as n from alert_preferences where user_id = ${owner.id}`)).toBe(0);
    expect(await unsubscribeByLink({ u: owner.id, l: "alerts", s: signUnsubscribe(owner.id, "alerts") }, database)).toBe("alerts");
    const ownerMails = () => count(sql`select count(*)::int as n from email_outbox where kind = 'alert' and user_id = ${owner.id}`);
    const before = await ownerMails();
    const r = await processAlertJob(database, m.id, revealedAt);
    expect(r.emailed).toBe(2); // viewer and the subscribed RM
    expect(await ownerMails()).toBe(before);
    // the owner still sees them in the app
    const list = await listNotifications(owner.id, 50, database);
    expect(list.length).toBe(r.notified / 3);
    expect(list.some((x) => x.finding?.id === RISE)).toBe(true);
    expect(await unreadNotificationCount(owner.id, database)).toBe(list.length);
    expect(await markNotificationsRead(owner.id, database)).toBe(list.length);
    expect(await unreadNotificationCount(owner.id, database)).toBe(0);
    // the digest link: no digest day any more
    expect(await unsubscribeByLink({ u: viewer.id, l: "digest", s: signUnsubscribe(viewer.id, "digest") }, database)).toBe("digest");
    const [u] = await queryRows<{ d: number }>(database.db, sql`select digest_weekday as d from users where id = ${viewer.id}`);
    expect(u.d).toBe(0);
  }, 120_000);

  it("preferences narrow alerts: a kind filter, a merchant filter, alerts off; an RM without the portfolio subscription gets none", async () => {
    await database.db.execute(sql`delete from notifications where merchant_id = ${m.id}`);
    const kinds = await queryRows<{ kind: string }>(database.db, sql`select distinct kind from notifications where merchant_id = ${m.id}`);
    expect(kinds).toEqual([]);
    const first = await processAlertJob(database, m.id, revealedAt);
    const present = (await queryRows<{ kind: string }>(database.db, sql`select distinct kind from notifications where merchant_id = ${m.id}`)).map((r) => r.kind);
    expect(present).toContain("metricChange");
    const absent = ["cohort", "seasonality", "forecastOutlook", "anomalousWeek", "changePoint", "marketEffect"].find((k) => !present.includes(k))!;
    await database.db.execute(sql`delete from notifications where merchant_id = ${m.id}`);
    // viewer: only a kind this run did not find; RM: only another merchant; a new owner: alerts off
    const off = await seedUser(database, { memberships: [[m.id, "merchant_owner"]], prefix: "off" });
    await saveAlertPreferences(viewer.id, { enabled: true, email: true, portfolio: false, merchantIds: null, kinds: [absent as never] }, undefined, database);
    await saveAlertPreferences(rmSubscribed.id, { enabled: true, email: true, portfolio: true, merchantIds: [m.id + 100_000], kinds: null }, undefined, database);
    await saveAlertPreferences(off.id, { enabled: false, email: true, portfolio: false, merchantIds: null, kinds: null }, undefined, database);
    await expect(saveAlertPreferences(off.id, { enabled: true, email: true, portfolio: false, merchantIds: null, kinds: [] }, undefined, database)).rejects.toThrow(/at least one kind/);
    await expect(saveAlertPreferences(off.id, { enabled: true, email: true, portfolio: false, merchantIds: null, kinds: null }, 9, database)).rejects.toThrow(/weekday/);
    const r = await processAlertJob(database, m.id, revealedAt);
    const who = await queryRows<{ user_id: string }>(database.db, sql`select distinct user_id from notifications where merchant_id = ${m.id}`);
    expect(who.map((w) => w.user_id)).toEqual([owner.id]);
    expect(r.notified).toBe(first.notified / 3);
    // back to the defaults for the next test
    await saveAlertPreferences(viewer.id, { enabled: true, email: true, portfolio: false, merchantIds: null, kinds: null }, undefined, database);
    await saveAlertPreferences(rmSubscribed.id, { enabled: true, email: true, portfolio: true, merchantIds: [m.id], kinds: null }, undefined, database);
    await database.db.execute(sql`delete from memberships where user_id = ${off.id}`);
  }, 120_000);

  it(`a worker dying mid-alert job (${TEST_DIALECT === "postgres" ? "kill -9 of a worker process" : "an attempt that throws after the first recipient"}): retried, nothing doubled`, async () => {
    await database.db.execute(sql`delete from notifications where merchant_id = ${m.id}`);
    await saveAlertPreferences(owner.id, { enabled: true, email: true, portfolio: false, merchantIds: null, kinds: null }, undefined, database);
    const mails = () => queryRows<{ user_id: string; n: number }>(database.db, sql`select user_id, count(*)::int as n from email_outbox where kind = 'alert' group by user_id order by user_id`);
    const mailsBefore = new Map((await mails()).map((r) => [r.user_id, r.n]));
    const { sendJob } = await import("@/lib/jobs/outbox");
    await sendJob(database.db, QUEUES.alerts, { merchantId: m.id, revealedAt }, String(m.id));
    const alertJobs = () => queryRows<{ state: string; retry_count: number }>(database.db, sql`select state::text, retry_count from pgboss.job where name = 'alerts' and singleton_key = ${String(m.id)} and created_on > now() - interval '5 minutes' order by created_on desc limit 1`);
    if (TEST_DIALECT === "postgres") {
      await database.raw(`update pgboss.job set expire_in = interval '3 seconds', retry_delay = 1, retry_backoff = false where name = 'alerts' and state = 'created'`);
      const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/alert-worker-child.ts"], { env: { ...process.env, DATABASE_URL: database.url }, stdio: ["ignore", "pipe", "inherit"] });
      const died = new Promise<string | null>((r) => child.on("exit", (_code, signal) => r(signal)));
      expect(await died).toBe("SIGKILL");
      expect((await alertJobs()).map((j) => j.state)).toEqual(["active"]);
      // one recipient's notifications and e-mail were committed before the kill
      expect(await count(sql`select count(distinct user_id)::int as n from notifications where merchant_id = ${m.id}`)).toBe(1);
      const w = await startWorker(database, { queues: [QUEUES.alerts], pollingIntervalSeconds: 0.5, schedules: false, transport: null });
      try {
        for (let i = 0; i < 240 && (await alertJobs())[0]?.state !== "completed"; i++) {
          await w.boss.expire();
          await new Promise((r) => setTimeout(r, 250));
        }
      } finally {
        await w.stop();
      }
    } else {
      await database.raw(`update pgboss.job set retry_delay = 1, retry_backoff = false where name = 'alerts' and state = 'created'`);
      let attempts = 0;
      const w = await startWorker(database, {
        queues: [QUEUES.alerts],
        pollingIntervalSeconds: 0.5,
        schedules: false,
        transport: null,
        handlers: {
          [QUEUES.alerts]: (db, data) => {
            attempts += 1;
            return processAlertJob(db, Number(data.merchantId), String(data.revealedAt), {
              afterRecipient: () => {
                if (attempts === 1) throw new Error("worker died");
              },
            });
          },
        },
      });
      try {
        for (let i = 0; i < 240 && (await alertJobs())[0]?.state !== "completed"; i++) await new Promise((r) => setTimeout(r, 250));
      } finally {
        await w.stop();
      }
      expect(attempts).toBe(2);
    }
    expect(await alertJobs()).toEqual([{ state: "completed", retry_count: 1 }]);
    // every recipient exactly once: one e-mail each, the same notifications each
    const perUser = await queryRows<{ user_id: string; n: number }>(database.db, sql`select user_id, count(*)::int as n from notifications where merchant_id = ${m.id} group by user_id order by user_id`);
    expect(perUser.map((r) => r.user_id)).toEqual([owner.id, rmSubscribed.id, viewer.id].sort());
    expect(new Set(perUser.map((r) => r.n)).size).toBe(1);
    const after = await mails();
    for (const id of [owner.id, rmSubscribed.id, viewer.id]) expect((after.find((r) => r.user_id === id)?.n ?? 0) - (mailsBefore.get(id) ?? 0)).toBe(1);
    expect(after.find((r) => r.user_id === rmNot.id)).toBeUndefined();
    // a member removed from the merchant no longer reads its notifications (they carry its figures)
    expect((await listNotifications(viewer.id, 50, database)).length).toBe(perUser[0].n);
    expect(await unreadNotificationCount(viewer.id, database)).toBe(perUser[0].n);
    await database.db.execute(sql`delete from memberships where user_id = ${viewer.id} and merchant_id = ${m.id}`);
    expect(await listNotifications(viewer.id, 50, database)).toEqual([]);
    expect(await unreadNotificationCount(viewer.id, database)).toBe(0);
  }, 180_000);
});
