import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { customers, merchantBankIds, merchants, transactions } from "@/db/schema";
import { setPlanIn } from "@/lib/billing";
import { listNotifications, notifyOfferResult } from "@/lib/jobs/alerts";
import { drainQueues, startWorker } from "@/lib/jobs/worker";
import { formatMoney, formatPercent } from "@/lib/format";
import { createOffer, measureAndStoreOffer } from "@/lib/offers";
import { getOffer } from "@/lib/offers/queries";
import { chooseUpliftModel, getWinBack, MIN_OWN_PER_ARM, refreshWinBack } from "@/lib/offers/winback";
import { MIN_POOL_MERCHANTS } from "@/lib/privacy/pooledTraining";
import { refreshRollups } from "@/lib/rollups";
import { DEFAULT_OFFER_SIMULATION, plantedOfferTruth, simulateOfferAudience, simulateOfferOutcome } from "@/lib/synthetic/offers";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { openTestDatabase, TEST_DIALECT, uniqueSlug } from "../helpers/db";
import { seedUser } from "./tenancy-fixtures";

/*
 * Issue 16's learning and "results ready" on both databases, on planted audiences
 * (lib/synthetic/offers.ts), each merchant's offer created, its planted window loaded and measured:
 *  - the win-back queue's uplift model: the merchant's own offers when they hold ≥ 100 customers
 *    per arm; pooled over the MCC segment through lib/privacy when thin and ≥ 5 merchants of the
 *    segment have measured offers; none with 4; what was used is recorded in offer_winback and
 *    read in the merchant's scope only;
 *  - "results ready": measuring an offer notifies the merchant's users through the alerts
 *    machinery, in each user's language, plan-gated, idempotent, delivered to a real SMTP server
 *    on loopback by the worker's e-mail job.
 */

const START = "2024-07-01";
const END = "2024-07-29";
const APP = "https://insights.bank.test";
const OFFER = {
  audience: { kind: "all" },
  terms: { kind: "cashback", rateBp: 500, capMinor: 100_000 },
  startsOn: START,
  endsOn: END,
  budgetMinor: 1_000_000_000,
  primaryMetric: "revenue",
  seed: 42,
} as const;

let database: Database;
let dir: string;
const received: Array<{ to: string; raw: string }> = [];
let server: SMTPServer;
let transport: nodemailer.Transporter;

const dayOf = (offset: number) => new Date(Date.parse(`${START}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

async function insertPurchases(merchant: MerchantRef, rows: { customer: number; day: string; amount: number; id: string }[]) {
  for (let s = 0; s < rows.length; s += 4000) {
    await database.db.insert(transactions).values(
      rows.slice(s, s + 4000).map((r) => ({
        bankTransactionId: r.id,
        merchantId: merchant.id,
        customerId: r.customer,
        amountMinor: r.amount,
        currency: "RUB",
        occurredAt: new Date(`${r.day}T12:00:00Z`),
        localDate: r.day,
        localHour: 12,
        channel: "offline",
        kind: "purchase",
      })),
    );
  }
  await database.db.transaction((t) => refreshRollups(t, merchant.id, [...new Set(rows.map((r) => r.day))]));
}

/**
 * A shop (MCC 5411 unless given) whose customers are a planted audience of `size`, with one offer created,
 * its planted window loaded and (when `measure`) measured. Returns the merchant and the offer id.
 */
async function merchantWithOffer(size: number, seed: number, measure = true, mcc = "5411"): Promise<{ merchant: MerchantRef; offerId: number }> {
  const slug = uniqueSlug("ol");
  const [m] = await database.db.insert(merchants).values({ slug, name: `Shop ${seed}`, mcc, timeZone: "UTC", currency: "RUB" }).returning();
  const merchant: MerchantRef = { id: m.id, slug, name: m.name, mcc: m.mcc, currency: "RUB", timeZone: "UTC" };
  await database.db.insert(merchantBankIds).values({ bankMerchantId: `${slug}-T1`, merchantId: m.id });
  const config = { ...DEFAULT_OFFER_SIMULATION, customers: size, seed };
  const audience = simulateOfferAudience(config);
  const cs = await database.db.insert(customers).values(audience.map((c) => ({ bankCustomerId: `${slug}-C${c.index}` }))).returning({ id: customers.id });
  const idOf = new Map(audience.map((c, i) => [c.index, cs[i].id]));
  await insertPurchases(merchant, audience.flatMap((c) => c.pre.map((p, k) => ({ customer: idOf.get(c.index)!, day: dayOf(p.day), amount: p.amountMinor, id: `${slug}-p${c.index}-${k}` }))));
  const { offerId } = await createOffer(database, merchant.id, { ...OFFER, name: `Cashback ${seed}` });
  const arms = new Map(
    (await queryRows<{ customer_id: number; arm: number }>(database.db, sql`select customer_id, arm from offer_assignments where offer_id = ${offerId}`)).map((r) => [Number(r.customer_id), Number(r.arm)]),
  );
  const window: { customer: number; day: string; amount: number; id: string }[] = [];
  for (const c of audience) {
    const id = idOf.get(c.index)!;
    const arm = arms.get(id);
    if (arm === undefined) continue;
    simulateOfferOutcome(config, c, arm !== 0).forEach((p, k) => window.push({ customer: id, day: dayOf(p.day), amount: p.amountMinor, id: `${slug}-w${c.index}-${k}` }));
  }
  await insertPurchases(merchant, window);
  await database.db.execute(sql`update offers set status = 'delivered' where id = ${offerId}`);
  if (measure) expect(await measureAndStoreOffer(database, offerId)).toMatchObject({ status: "succeeded" });
  return { merchant, offerId };
}

beforeAll(async () => {
  database = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "offers-learn-"));
  process.env.OFFER_DELIVERY_DIR = dir;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(","), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  transport = nodemailer.createTransport({ host: "127.0.0.1", port: (server.server.address() as { port: number }).port, secure: false, ignoreTLS: true });
}, 300_000);
afterAll(async () => {
  transport?.close();
  if (server) await new Promise<void>((r) => server.close(() => r()));
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.OFFER_DELIVERY_DIR;
});

/** The text body of a received message (quoted-printable or base64 decoded). */
function bodyOf(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).toLowerCase();
  const body = raw.slice(split + 4);
  if (head.includes("content-transfer-encoding: base64")) return Buffer.from(body, "base64").toString("utf8");
  if (head.includes("content-transfer-encoding: quoted-printable")) {
    const s = body.replace(/=\r?\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === "=" && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(s[i], "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

describe(`offers: learning for the win-back queue and "results ready" (${TEST_DIALECT})`, () => {
  it("measuring an offer notifies the owner (en) and the viewer (ru) over SMTP, plan-gated and idempotent", async () => {
    const previousAppUrl = process.env.APP_URL;
    process.env.APP_URL = APP;
    try {
      // Start plan first: results are stored, nobody is notified (alerts are not in the plan).
      const { merchant, offerId } = await merchantWithOffer(400, 16_301, false);
      await setPlanIn(database.db, merchant.id, { plan: "start", trial: false }, null);
      const owner = await seedUser(database, { memberships: [[merchant.id, "merchant_owner"]], prefix: "ol-owner" });
      const viewer = await seedUser(database, { memberships: [[merchant.id, "merchant_viewer"]], prefix: "ol-viewer" });
      await database.db.execute(sql`update users set locale = 'ru' where id = ${viewer.id}`);
      await measureAndStoreOffer(database, offerId);
      const n = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from notifications where merchant_id = ${merchant.id}`))[0].n;
      expect(await n()).toBe(0);

      // Pro: a new measurement (result version 2) notifies both, each in their language.
      await setPlanIn(database.db, merchant.id, { plan: "pro", trial: false }, null);
      expect(await measureAndStoreOffer(database, offerId)).toMatchObject({ status: "succeeded" });
      expect(await n()).toBe(2);
      const rows = await queryRows<{ user_id: string; run_version: number; kind: string; finding_id: string }>(
        database.db,
        sql`select user_id, run_version, kind, finding_id from notifications where merchant_id = ${merchant.id} order by user_id`,
      );
      expect(rows.map((r) => [r.run_version, r.kind, r.finding_id])).toEqual([[2, "offerResult", `offerResult:${offerId}`], [2, "offerResult", `offerResult:${offerId}`]]);

      const offer = (await withMerchantScope(database, merchant.id, (tx) => getOffer({ tx, merchant }, offerId)))!;
      const a = offer.result!.variants[0];
      const notice = { offerId, offerName: offer.name, revenueMinor: a.revenue.total, lowerMinor: a.revenue.totalCi.lower, upperMinor: a.revenue.totalCi.upper, roi: a.roi?.estimate ?? null };
      // Idempotent per result version: a repeat writes and queues nothing.
      expect(await notifyOfferResult(database, merchant.id, notice, 2, "RUB")).toEqual({ gated: false, notified: 0, emailed: 0 });
      // The in-app list carries the result, not a finding.
      const [item] = await listNotifications(owner.id, 50, database);
      expect(item.finding).toBeNull();
      expect(item.offerResult).toEqual({ type: "offerResult", ...notice });

      const w = await startWorker(database, { queues: [QUEUES.email], pollingIntervalSeconds: 0.5, schedules: false, transport });
      try {
        await drainQueues(database, [QUEUES.email], { timeoutMs: 60_000 });
      } finally {
        await w.stop();
      }
      const mine = received.filter((r) => r.to === owner.email || r.to === viewer.email);
      expect(mine.map((r) => r.to).sort()).toEqual([owner.email, viewer.email].sort());
      const en = bodyOf(mine.find((r) => r.to === owner.email)!.raw).replace(/\r\n/g, "\n");
      const ru = bodyOf(mine.find((r) => r.to === viewer.email)!.raw).replace(/\r\n/g, "\n");
      const money = (v: number, l: string) => formatMoney(Math.round(v), "RUB", l);
      expect(en).toContain(`The offer “${offer.name}” of ${merchant.name} has been measured against its held-out customers:`);
      expect(en).toContain(`Incremental revenue: ${money(a.revenue.total, "en")} (95 % interval ${money(a.revenue.totalCi.lower, "en")} to ${money(a.revenue.totalCi.upper, "en")})`);
      expect(en).toContain(`Return on the cashback paid: ${formatPercent(a.roi!.estimate, "en", 0)}`);
      expect(en).toContain(`${APP}/m/${merchant.slug}/offers/${offerId}`);
      expect(ru).toContain(`Предложение «${offer.name}» продавца ${merchant.name} измерено в сравнении с контрольной группой:`);
      expect(ru).toContain(`Дополнительная выручка: ${money(a.revenue.total, "ru")} (95 % интервал от ${money(a.revenue.totalCi.lower, "ru")} до ${money(a.revenue.totalCi.upper, "ru")})`);
      expect(ru).toContain("Отписаться от писем-оповещений одним нажатием");
    } finally {
      if (previousAppUrl === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = previousAppUrl;
    }
    // PGlite on a loaded machine measures twice and drains the mail queue in minutes.
  }, 900_000);

  it("the uplift model: own history when it is rich, pooled over the MCC segment (≥ 5 merchants) when thin, none below; recorded and read in scope only", async () => {
    // Pharmacies (MCC 5912): a segment of their own, apart from the grocer of the first test.
    const PHARMACY = "5912";
    // A rich merchant: its own measured offer has ≥ 100 customers per arm.
    const rich = await merchantWithOffer(1000, 16_401, true, PHARMACY);
    const own = await chooseUpliftModel(database, rich.merchant, END);
    expect(own.source).toBe("own");
    expect(own.offers).toBe(1);
    const held = (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from offer_assignments where offer_id = ${rich.offerId} and arm = 0`))[0].n;
    expect(held).toBeGreaterThanOrEqual(MIN_OWN_PER_ARM);

    // A thin merchant (its offer holds < 100 customers per arm), in the same MCC and country.
    const thin = await merchantWithOffer(120, 16_402, true, PHARMACY);
    const thinHeld = (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from offer_assignments where offer_id = ${thin.offerId} and arm = 0`))[0].n;
    expect(thinHeld).toBeLessThan(MIN_OWN_PER_ARM);
    // Peers with measured offers, the thin one and the rich one included: 2 + 2 = 4 < 5 merchants.
    await merchantWithOffer(300, 16_403, true, PHARMACY);
    await merchantWithOffer(300, 16_404, true, PHARMACY);
    const four = await chooseUpliftModel(database, thin.merchant, END);
    expect(four).toEqual({ source: "none", offers: 1, reason: "poolWithheld" });
    // A fifth merchant of the segment with a measured offer: pooled.
    await merchantWithOffer(300, 16_405, true, PHARMACY);
    const pooled = await chooseUpliftModel(database, thin.merchant, END);
    expect(pooled.source).toBe("pooled");
    if (pooled.source !== "pooled") throw new Error("unreachable");
    expect(pooled.merchants).toBeGreaterThanOrEqual(MIN_POOL_MERCHANTS);
    expect(pooled.level).toBe("mcc");
    // The planted offer raises revenue overall (persuadables outweigh do-not-disturb), and so does the pooled model.
    expect(plantedOfferTruth(DEFAULT_OFFER_SIMULATION).overall.revenueMinor).toBeGreaterThan(0);
    expect(pooled.model.pooled.tau).toBeGreaterThan(0);

    // Without a churn run, the stored row says so; it is read in the merchant's scope, and no other merchant's scope sees it.
    expect(await refreshWinBack(database, thin.merchant)).toEqual({ source: "none", reason: "noChurnRun" });
    const view = await withMerchantScope(database, thin.merchant.id, (tx) => getWinBack({ tx, merchant: thin.merchant }));
    expect(view).toMatchObject({ source: "none", reason: "noChurnRun", customers: 0, curve: [] });
    const other = await withMerchantScope(database, rich.merchant.id, (tx) => tx.execute(sql`select count(*)::int as n from offer_winback`));
    expect(Number((other as unknown as { rows?: { n: number }[] }).rows?.[0]?.n ?? (other as unknown as { n: number }[])[0]?.n)).toBe(0);
  }, 600_000);
});
