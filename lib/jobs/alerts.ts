import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { getDatabase, queryRows, type Database } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { alertPreferences, memberships, merchants, notifications, users } from "@/db/schema";
import { loadEntitlements } from "@/lib/billing";
import { formatDay, formatMoney, formatPercent } from "@/lib/format";
import { renderFinding } from "@/lib/findings/render";
import { findingsTranslator } from "@/lib/findings/translate";
import { FINDING_KINDS, type Finding, type FindingKind } from "@/lib/findings/types";
import { queueEmail, renderAlertEmail, renderOfferResultEmail, verifyUnsubscribe, type UnsubscribeList } from "@/lib/mail";
import { findingsContract } from "@/lib/runs/findings";
import { sendJob } from "./outbox";
import { findMerchantRef } from "./store";

/*
 * Alerts (issue 15): a significant finding reaches each subscribed user within 60 minutes of the
 * ingest commit that reveals it. The path: the ingest transaction writes the merchant's model
 * request (model_jobs.requested_at = the commit's transaction time) and its `models` job; the
 * worker's models job runs the families, then — in the transaction that closes the request —
 * sends an `alerts` job carrying that time (`revealedAt`); this module's `processAlertJob` turns
 * the findings runs started since then into notifications (table notifications, the in-app list)
 * and alert e-mails (outbox kind 'alert', queued in the same transaction, with an immediate
 * delivery job). Latency on an idle worker is the queue's polling (seconds) plus the fits;
 * a killed worker's alert job is retried after its 10-minute expiry (db/queue.ts).
 *
 * "New significant" = an alert-tier finding (lib/runs/findings.ts `tier`) whose id is not among
 * the alert-tier findings of the merchant's previous succeeded findings run: a finding that
 * persists is alerted once, one that goes and comes back is alerted again.
 *
 * Who gets it: the merchant's owners and viewers by default; its relationship managers when
 * they subscribed to their portfolio; each narrowed by their preferences (alert_preferences:
 * on/off, by e-mail or in the app only, which merchants, which kinds). Plan-gated: the merchant's
 * plan must include the `alerts` feature (lib/billing/plans.ts).
 *
 * Idempotent: the unique key (user, merchant, finding, run version) of notifications; the e-mail
 * is queued with the notifications it announces, so a retried attempt or a second worker queues
 * nothing twice.
 */

/** A user's alert preferences (alert_preferences; defaults when no row). */
export interface AlertPreferences {
  /** Alerts at all (in the app and by e-mail). Default true. */
  enabled: boolean;
  /** By e-mail as well as in the app. Default true; one-click unsubscribe turns it off. */
  email: boolean;
  /** A relationship manager's subscription to their portfolio's merchants. Default false. */
  portfolio: boolean;
  /** Only these merchants (ids); null = every merchant the user may open. */
  merchantIds: number[] | null;
  /** Only these finding kinds; null = every kind. */
  kinds: FindingKind[] | null;
}

const DEFAULT_PREFERENCES: AlertPreferences = { enabled: true, email: true, portfolio: false, merchantIds: null, kinds: null };

/** What one alert job did. */
export interface AlertJobOutcome {
  merchantId: number;
  /** True when the merchant's plan has no `alerts` feature (nothing was written). */
  gated: boolean;
  /** Findings runs examined (succeeded runs started at or after `revealedAt`). */
  runs: number;
  /** New significant findings across those runs. */
  findings: number;
  /** Notifications inserted now (0 on a repeated attempt). */
  notified: number;
  /** Alert e-mails queued now. */
  emailed: number;
}

interface Recipient {
  userId: string;
  email: string;
  locale: "en" | "ru";
  prefs: AlertPreferences;
}

/** The merchant's users who want its alerts (see the module comment), in e-mail order. */
async function recipientsOf(database: Database, merchantId: number): Promise<Recipient[]> {
  const rows = await database.db
    .select({
      userId: users.id,
      email: users.email,
      locale: users.locale,
      role: memberships.role,
      enabled: alertPreferences.enabled,
      byEmail: alertPreferences.email,
      portfolio: alertPreferences.portfolio,
      merchantIds: alertPreferences.merchantIds,
      kinds: alertPreferences.kinds,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(alertPreferences, eq(alertPreferences.userId, users.id))
    .where(eq(memberships.merchantId, merchantId))
    .orderBy(asc(users.email));
  const out: Recipient[] = [];
  for (const r of rows) {
    const prefs: AlertPreferences =
      r.enabled === null
        ? DEFAULT_PREFERENCES
        : { enabled: r.enabled, email: r.byEmail ?? true, portfolio: r.portfolio ?? false, merchantIds: intArray(r.merchantIds), kinds: kindArray(r.kinds) };
    if (!prefs.enabled) continue;
    if (r.role === "relationship_manager" && !prefs.portfolio) continue;
    if (prefs.merchantIds !== null && !prefs.merchantIds.includes(merchantId)) continue;
    out.push({ userId: r.userId, email: r.email, locale: r.locale === "ru" ? "ru" : "en", prefs });
  }
  return out;
}

/** An int[] / text[] as either driver hands it back (an array, or PostgreSQL's '{a,b}' text). */
function pgArray(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(String);
  return String(v).replace(/^\{|\}$/g, "").split(",").filter(Boolean);
}
const intArray = (v: unknown) => pgArray(v)?.map(Number) ?? null;
const kindArray = (v: unknown) => pgArray(v)?.filter((k): k is FindingKind => (FINDING_KINDS as readonly string[]).includes(k)) ?? null;

/** The alert-tier findings of a stored findings summary; null when it does not parse under the contract. */
function alertFindings(summary: unknown): { asOf: string; currency: string; findings: Finding[] } | null {
  const parsed = findingsContract.summary.safeParse(summary);
  if (!parsed.success) return null;
  return { asOf: parsed.data.asOf, currency: parsed.data.currency, findings: parsed.data.findings.filter((f) => f.tier === "alert") };
}

/**
 * Queues the e-mail that announces `inserted` notifications to recipient `r` (outbox kind
 * 'alert', in the caller's transaction), links those notifications to it and requests an
 * immediate delivery job: an alert and a results-ready notice end the same way.
 */
async function queueAnnouncement(
  tx: Parameters<Parameters<Database["db"]["transaction"]>[0]>[0],
  r: Recipient,
  merchantId: number,
  inserted: ReadonlyArray<{ id: number }>,
  mail: { subject: string; text: string },
): Promise<void> {
  const emailId = await queueEmail(tx, { kind: "alert", to: r.email, subject: mail.subject, text: mail.text, userId: r.userId, merchantId });
  await tx.update(notifications).set({ emailId }).where(inArray(notifications.id, inserted.map((i) => i.id)));
  await sendJob(tx, QUEUES.email, {}, "outbox");
}

/**
 * The alert job: notifications and alert e-mails for the new significant findings of the
 * merchant's findings runs started at or after `revealedAt`.
 *
 * @param revealedAt the ingest commit's model request time (model_jobs.requested_at, timestamptz text)
 * @param opts.now   the instant entitlements are judged at (default now; tests pass a fixed clock)
 * @param opts.baseUrl the product's origin for links (default APP_URL, else http://localhost:3000)
 * @param opts.afterRecipient called after each recipient's transaction commits (tests: a worker killed mid-job)
 * @returns what was done; a repeated call for the same runs inserts and queues nothing
 * @throws Error on a database failure (the transaction of the user being written rolls back; the job is retried)
 */
export async function processAlertJob(
  database: Database,
  merchantId: number,
  revealedAt: string,
  opts: { now?: Date; baseUrl?: string; afterRecipient?: (userId: string) => Promise<void> | void } = {},
): Promise<AlertJobOutcome> {
  const outcome: AlertJobOutcome = { merchantId, gated: false, runs: 0, findings: 0, notified: 0, emailed: 0 };
  if (Number.isNaN(Date.parse(revealedAt))) throw new Error(`processAlertJob: revealedAt is not a time: ${revealedAt}`);
  const merchant = await findMerchantRef(database, { id: merchantId });
  if (!merchant) return outcome;
  const entitlements = await loadEntitlements(database.db, merchantId, opts.now ?? new Date());
  if (!entitlements.features.has("alerts")) return { ...outcome, gated: true };

  const runs = await queryRows<{ version: number; summary: unknown; previous: unknown }>(
    database.db,
    sql`select r.version, r.summary,
               (select p.summary from model_runs p where p.merchant_id = r.merchant_id and p.kind = 'findings'
                  and p.status = 'succeeded' and p.version < r.version order by p.version desc limit 1) as previous
        from model_runs r
        where r.merchant_id = ${merchantId} and r.kind = 'findings' and r.status = 'succeeded'
          and r.started_at >= ${revealedAt}::timestamptz
        order by r.version`,
  );
  outcome.runs = runs.length;
  const fresh: Array<{ version: number; asOf: string; currency: string; findings: Finding[] }> = [];
  for (const run of runs) {
    const now = alertFindings(typeof run.summary === "string" ? JSON.parse(run.summary) : run.summary);
    if (!now) continue;
    const before = run.previous === null ? null : alertFindings(typeof run.previous === "string" ? JSON.parse(run.previous) : run.previous);
    const known = new Set(before?.findings.map((f) => f.id) ?? []);
    const added = now.findings.filter((f) => !known.has(f.id));
    outcome.findings += added.length;
    if (added.length > 0) fresh.push({ version: run.version, asOf: now.asOf, currency: now.currency, findings: added });
  }
  if (fresh.length === 0) return outcome;

  const baseUrl = (opts.baseUrl ?? process.env.APP_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  for (const r of await recipientsOf(database, merchantId)) {
    for (const run of fresh) {
      const mine = run.findings.filter((f) => r.prefs.kinds === null || r.prefs.kinds.includes(f.kind));
      if (mine.length === 0) continue;
      await database.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(notifications)
          .values(
            mine.map((f) => ({
              userId: r.userId,
              merchantId,
              findingId: f.id,
              kind: f.kind,
              runVersion: run.version,
              finding: f,
              currency: run.currency,
              // as text: a JS Date would round PostgreSQL's microseconds away
              revealedAt: sql`${revealedAt}::timestamptz`,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: notifications.id, findingId: notifications.findingId });
        outcome.notified += inserted.length;
        if (inserted.length === 0 || !r.prefs.email) return;
        const t = findingsTranslator(r.locale);
        const announced = mine.filter((f) => inserted.some((i) => i.findingId === f.id));
        const { subject, text } = renderAlertEmail(
          {
            merchantName: merchant.name,
            date: formatDay(run.asOf, r.locale, "long"),
            items: announced.map((f) => {
              const words = renderFinding(f, r.locale, run.currency, t);
              return { merchantName: merchant.name, headline: words.headline, explanation: words.explanation, url: `${baseUrl}/m/${merchant.slug}${f.chart}` };
            }),
            findingsUrl: `${baseUrl}/m/${merchant.slug}/findings`,
            settingsUrl: `${baseUrl}/settings`,
          },
          r.locale,
        );
        await queueAnnouncement(tx, r, merchantId, inserted, { subject, text });
        outcome.emailed += 1;
      });
    }
    await opts.afterRecipient?.(r.userId);
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// "Results ready" (issue 16): an offer's final result, announced like an alert

/**
 * An offer's measured result as its notification keeps it: codes and numbers (money in minor
 * units of the notification's currency), words at read time in the reader's language.
 */
export interface OfferResultNotice {
  type: "offerResult";
  offerId: number;
  offerName: string;
  /** Variant A's incremental revenue over the treated customers, with its 95 % interval (CUPED). */
  revenueMinor: number;
  lowerMinor: number;
  upperMinor: number;
  /** (incremental revenue − cashback) ÷ cashback; null when nothing was paid. */
  roi: number | null;
}

/** What one "results ready" call did. */
export interface OfferResultOutcome {
  /** True when the merchant's plan has no `alerts` feature (nothing was written). */
  gated: boolean;
  notified: number;
  emailed: number;
}

/**
 * Notifies the merchant's subscribed users that an offer's result is stored: one notification per
 * user (the in-app list) and, unless they turned alert e-mails off, a "results ready" e-mail in
 * their language, queued in the same transaction (outbox kind 'alert': the alerts' one-click
 * unsubscribe applies). The same recipients and plan gate as alerts (see the module comment);
 * the finding-kind preference does not apply (a result is not a finding). Idempotent per result
 * version: the notifications' unique key (user, merchant, "offerResult:ID", version).
 *
 * @param resultVersion the stored result's version (offer_results.version)
 * @param currency the offer's currency (ISO 4217)
 * @param opts.now the instant entitlements are judged at (default now); opts.baseUrl the origin for links
 * @throws Error on a database failure (the transaction of the user being written rolls back)
 */
export async function notifyOfferResult(
  database: Database,
  merchantId: number,
  notice: Omit<OfferResultNotice, "type">,
  resultVersion: number,
  currency: string,
  opts: { now?: Date; baseUrl?: string } = {},
): Promise<OfferResultOutcome> {
  const outcome: OfferResultOutcome = { gated: false, notified: 0, emailed: 0 };
  const merchant = await findMerchantRef(database, { id: merchantId });
  if (!merchant) return outcome;
  const entitlements = await loadEntitlements(database.db, merchantId, opts.now ?? new Date());
  if (!entitlements.features.has("alerts")) return { ...outcome, gated: true };
  const stored: OfferResultNotice = { type: "offerResult", ...notice };
  const baseUrl = (opts.baseUrl ?? process.env.APP_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  const url = `${baseUrl}/m/${merchant.slug}/offers/${notice.offerId}`;
  for (const r of await recipientsOf(database, merchantId)) {
    await database.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(notifications)
        .values({
          userId: r.userId,
          merchantId,
          findingId: `offerResult:${notice.offerId}`,
          kind: "offerResult",
          runVersion: resultVersion,
          finding: stored,
          currency,
          revealedAt: sql`now()`,
        })
        .onConflictDoNothing()
        .returning({ id: notifications.id });
      outcome.notified += inserted.length;
      if (inserted.length === 0 || !r.prefs.email) return;
      const money = (minor: number) => formatMoney(Math.round(minor), currency, r.locale);
      const { subject, text } = renderOfferResultEmail(
        {
          merchantName: merchant.name,
          item: {
            offerName: notice.offerName,
            revenue: money(notice.revenueMinor),
            lower: money(notice.lowerMinor),
            upper: money(notice.upperMinor),
            roi: notice.roi === null ? null : formatPercent(notice.roi, r.locale, 0),
            url,
          },
          settingsUrl: `${baseUrl}/settings`,
        },
        r.locale,
      );
      await queueAnnouncement(tx, r, merchantId, inserted, { subject, text });
      outcome.emailed += 1;
    });
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Preferences, the in-app list, one-click unsubscribe

/** A user's notification settings: alert preferences (the defaults when never saved) and digest day. */
export interface NotificationSettings {
  alerts: AlertPreferences;
  /** ISO weekday of the weekly digest, 1–7; 0 = no digest (users.digest_weekday). */
  digestWeekday: number;
}

/** A user's notification settings. @param database default the process database */
export async function getNotificationSettings(userId: string, database?: Database): Promise<NotificationSettings> {
  const db = database ?? (await getDatabase());
  const [row] = await db.db.select().from(alertPreferences).where(eq(alertPreferences.userId, userId)).limit(1);
  const [user] = await db.db.select({ d: users.digestWeekday }).from(users).where(eq(users.id, userId)).limit(1);
  const alerts = row ? { enabled: row.enabled, email: row.email, portfolio: row.portfolio, merchantIds: intArray(row.merchantIds), kinds: kindArray(row.kinds) } : DEFAULT_PREFERENCES;
  return { alerts, digestWeekday: user?.d ?? 0 };
}

/**
 * Saves a user's alert preferences (all fields given) and, when `digestWeekday` is given, their
 * digest day (users.digest_weekday: 1–7 ISO weekday, 0 = no digest), in one transaction.
 * Merchant ids are kept as given: the alert job only ever considers merchants the user is a member of.
 * @param database default the process database
 * @throws Error on an unknown kind, an empty kinds list, a bad merchant id or weekday (nothing written)
 */
export async function saveAlertPreferences(userId: string, prefs: AlertPreferences, digestWeekday?: number, database?: Database): Promise<void> {
  if (prefs.kinds !== null) {
    if (prefs.kinds.length === 0) throw new Error("saveAlertPreferences: choose at least one kind (or every kind)");
    for (const k of prefs.kinds) if (!(FINDING_KINDS as readonly string[]).includes(k)) throw new Error(`saveAlertPreferences: unknown finding kind ${String(k)}`);
  }
  for (const id of prefs.merchantIds ?? []) if (!Number.isInteger(id) || id <= 0) throw new Error(`saveAlertPreferences: invalid merchant id ${id}`);
  if (digestWeekday !== undefined && !(Number.isInteger(digestWeekday) && digestWeekday >= 0 && digestWeekday <= 7)) {
    throw new Error(`saveAlertPreferences: digest weekday must be 0–7, got ${digestWeekday}`);
  }
  const values = {
    enabled: prefs.enabled,
    email: prefs.email,
    portfolio: prefs.portfolio,
    merchantIds: prefs.merchantIds === null ? null : [...new Set(prefs.merchantIds)].sort((a, b) => a - b),
    kinds: prefs.kinds === null ? null : [...new Set(prefs.kinds)],
  };
  const db = database ?? (await getDatabase());
  await db.db.transaction(async (tx) => {
    await tx
      .insert(alertPreferences)
      .values({ userId, ...values })
      // excluded.updated_at is the insert's default now(): Citus refuses a volatile function in DO UPDATE
      .onConflictDoUpdate({ target: alertPreferences.userId, set: { ...values, updatedAt: sql`excluded.updated_at` } });
    if (digestWeekday !== undefined) await tx.update(users).set({ digestWeekday }).where(eq(users.id, userId));
  });
}

/** One notification as the in-app list shows it: a finding (an alert) or an offer's result. */
export interface NotificationItem {
  id: number;
  merchant: { id: number; slug: string; name: string };
  /** The finding of an alert; null for an offer's result. */
  finding: Finding | null;
  /** The offer's result ("results ready"); null for an alert. */
  offerResult: OfferResultNotice | null;
  currency: string;
  createdAt: Date;
  read: boolean;
}

/**
 * Only notifications of merchants the user is still a member of: a notification carries the
 * finding's figures, and a user removed from a merchant must not keep reading them.
 */
const stillMember = sql`exists (select 1 from memberships ms where ms.user_id = ${notifications.userId} and ms.merchant_id = ${notifications.merchantId})`;

/** A user's notifications (of merchants they are still a member of), newest first (at most `limit`, default 50). @param database default the process database */
export async function listNotifications(userId: string, limit = 50, database?: Database): Promise<NotificationItem[]> {
  const db = database ?? (await getDatabase());
  const rows = await db.db
    .select({ n: notifications, slug: merchants.slug, name: merchants.name })
    .from(notifications)
    .innerJoin(merchants, eq(merchants.id, notifications.merchantId))
    .where(and(eq(notifications.userId, userId), stillMember))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(Math.min(Math.max(limit, 1), 200));
  return rows.map((r) => {
    const stored = (typeof r.n.finding === "string" ? JSON.parse(r.n.finding) : r.n.finding) as Finding | OfferResultNotice;
    const offer = r.n.kind === "offerResult" ? (stored as OfferResultNotice) : null;
    return {
    id: r.n.id,
    merchant: { id: r.n.merchantId, slug: r.slug, name: r.name },
    finding: offer ? null : (stored as Finding),
    offerResult: offer,
    currency: r.n.currency,
    createdAt: r.n.createdAt,
    read: r.n.readAt !== null,
    };
  });
}

/** How many of a user's notifications are unread (the header's badge). @param database default the process database */
export async function unreadNotificationCount(userId: string, database?: Database): Promise<number> {
  const db = database ?? (await getDatabase());
  const [row] = await db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), stillMember));
  return Number(row?.n ?? 0);
}

/** Marks all of a user's notifications read. @param database default the process database @returns how many were unread */
export async function markNotificationsRead(userId: string, database?: Database): Promise<number> {
  const db = database ?? (await getDatabase());
  const rows = await db.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/**
 * One-click unsubscribe from a signed link (lib/mail/unsubscribe.ts): "alerts" turns alert
 * e-mails off (the in-app list stays), "digest" sets no digest day. Idempotent.
 * @param link the link's query: u (user id), l (list), s (signature)
 * @returns the list left, or null when the signature does not match (nothing changed)
 */
export async function unsubscribeByLink(link: { u: string | null; l: string | null; s: string | null }, database?: Database): Promise<UnsubscribeList | null> {
  const { u, l, s } = link;
  if (!u || !l || !s || !verifyUnsubscribe(u, l, s)) return null;
  const db = database ?? (await getDatabase());
  if (l === "digest") {
    await db.db.update(users).set({ digestWeekday: 0 }).where(eq(users.id, u));
  } else {
    const [exists] = await db.db.select({ id: users.id }).from(users).where(eq(users.id, u)).limit(1);
    if (exists) {
      await db.db
        .insert(alertPreferences)
        .values({ userId: u, email: false })
        .onConflictDoUpdate({ target: alertPreferences.userId, set: { email: false, updatedAt: sql`excluded.updated_at` } }); // the default now() (Citus)
    }
  }
  return l;
}
