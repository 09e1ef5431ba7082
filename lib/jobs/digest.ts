import { asc, eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { memberships, merchants, users } from "@/db/schema";
import { getFindingsResults } from "@/lib/analytics/getForecastFindings";
import { addDays, todayIn } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { formatDay } from "@/lib/format";
import { renderFinding } from "@/lib/findings/render";
import { findingsTranslator } from "@/lib/findings/translate";
import type { Finding } from "@/lib/findings/types";
import { queueEmail, renderDigestEmail } from "@/lib/mail";
import { loadEntitlements } from "@/lib/billing";
import { withMerchantScope } from "@/lib/tenancy/scope";

/*
 * The weekly findings digest (docs/models/findings.md): one e-mail per user into the outbox
 * (lib/mail, kind 'digest'). A merchant user gets the top findings of each of their merchants,
 * a relationship manager the top findings of the whole portfolio, a bank admin of every merchant;
 * most important (money impact) first, in the user's language: findings in words from
 * messages/<locale>/findings.json (lib/findings/render.ts), the e-mail around them from
 * messages/<locale>/mail.json (lib/mail renderDigestEmail). Findings are read from each
 * merchant's stored run inside its own scope, as a page would. All digests of a call are queued
 * in one transaction: all or none.
 */

/** Findings per digest. */
const DIGEST_TOP = 5;

/** One digest as built (and queued). */
export interface DigestPreview {
  userId: string;
  to: string;
  locale: "en" | "ru";
  subject: string;
  text: string;
  findings: number;
}

interface Recipient {
  userId: string;
  email: string;
  locale: "en" | "ru";
  portfolio: boolean;
  merchants: MerchantRef[];
}

/** The users to write to and the merchants each may open (memberships; every merchant for a bank admin). */
async function recipients(database: Database): Promise<Recipient[]> {
  const all = await database.db
    .select({ id: merchants.id, slug: merchants.slug, name: merchants.name, mcc: merchants.mcc, currency: merchants.currency, timeZone: merchants.timeZone })
    .from(merchants)
    .orderBy(asc(merchants.name));
  const people = await database.db.select({ id: users.id, email: users.email, locale: users.locale, bankRole: users.bankRole }).from(users).orderBy(asc(users.email));
  const rows = await database.db
    .select({ userId: memberships.userId, merchantId: memberships.merchantId, role: memberships.role })
    .from(memberships)
    .innerJoin(merchants, eq(merchants.id, memberships.merchantId));
  return people.map((u) => {
    const mine = rows.filter((r) => r.userId === u.id);
    const list = u.bankRole === "bank_admin" ? all : all.filter((m) => mine.some((r) => r.merchantId === m.id));
    return {
      userId: u.id,
      email: u.email,
      locale: u.locale === "ru" ? "ru" : "en",
      portfolio: u.bankRole === "bank_admin" || mine.some((r) => r.role === "relationship_manager") || list.length > 1,
      merchants: list,
    };
  });
}

/**
 * Builds the digests as of `asOf` (default: today, UTC) without queueing them: the findings of
 * the latest runs whose as-of day lies in the 7 days up to `asOf`, alerts only, top
 * {@link DIGEST_TOP} by money impact. Users without merchants get none; users whose merchants
 * have no recent findings get a "nothing unusual" digest. Plan-gated: merchants whose plan lacks
 * the `digest` feature at `now` are left out, and a user left with none gets no digest.
 */
export async function buildWeeklyDigests(database: Database, opts: { asOf?: string; baseUrl?: string; now?: Date } = {}): Promise<{ asOf: string; digests: DigestPreview[] }> {
  const asOf = opts.asOf ?? todayIn("UTC");
  const weekFrom = addDays(asOf, -7);
  const baseUrl = (opts.baseUrl ?? process.env.APP_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const cache = new Map<number, Finding[]>();
  const findingsOf = async (m: MerchantRef) => {
    if (!cache.has(m.id)) {
      const run = await withMerchantScope(database, m.id, (tx) => getFindingsResults({ tx, merchant: m }));
      const fresh = run && run.summary.asOf > weekFrom && run.summary.asOf <= addDays(asOf, 1);
      cache.set(m.id, fresh ? run.summary.findings.filter((f) => f.tier === "alert") : []);
    }
    return cache.get(m.id)!;
  };
  // Plan-gated: only merchants whose plan includes the digest (lib/billing/plans.ts) are in it.
  const allowed = new Map<number, boolean>();
  const digestAllowed = async (m: MerchantRef) => {
    if (!allowed.has(m.id)) allowed.set(m.id, (await loadEntitlements(database.db, m.id, opts.now ?? new Date())).features.has("digest"));
    return allowed.get(m.id)!;
  };
  const digests: DigestPreview[] = [];
  for (const person of await recipients(database)) {
    const r = { ...person, merchants: [] as MerchantRef[] };
    for (const m of person.merchants) if (await digestAllowed(m)) r.merchants.push(m);
    if (r.merchants.length === 0) continue;
    const t = findingsTranslator(r.locale);
    const all: Array<{ m: MerchantRef; f: Finding }> = [];
    for (const m of r.merchants) for (const f of await findingsOf(m)) all.push({ m, f });
    all.sort((a, b) => b.f.impactMinor - a.f.impactMinor || a.m.slug.localeCompare(b.m.slug) || a.f.id.localeCompare(b.f.id));
    const top = all.slice(0, DIGEST_TOP);
    const single = r.merchants.length === 1 && !r.portfolio ? r.merchants[0] : null;
    const { subject, text } = renderDigestEmail(
      {
        merchantName: single?.name ?? null,
        date: formatDay(asOf, r.locale, "long"),
        items: top.map(({ m, f }) => {
          const words = renderFinding(f, r.locale, m.currency, t);
          return { merchantName: m.name, headline: words.headline, explanation: words.explanation, url: `${baseUrl}/m/${m.slug}${f.chart}` };
        }),
        dashboardUrl: single ? `${baseUrl}/m/${single.slug}/findings` : `${baseUrl}/portfolio`,
      },
      r.locale,
    );
    digests.push({ userId: r.userId, to: r.email, locale: r.locale, subject, text, findings: top.length });
  }
  return { asOf, digests };
}

/**
 * Builds the week's digests and queues them in the e-mail outbox (kind 'digest') in one
 * transaction.
 * @throws Error when a message cannot be queued (nothing is queued then)
 */
export async function queueWeeklyDigests(
  database: Database,
  opts: { asOf?: string; baseUrl?: string; userIds?: readonly string[] } = {},
): Promise<{ asOf: string; queued: number; digests: Array<Omit<DigestPreview, "text">> }> {
  const built = await buildWeeklyDigests(database, opts);
  const asOf = built.asOf;
  const digests = opts.userIds ? built.digests.filter((d) => opts.userIds!.includes(d.userId)) : built.digests;
  await database.db.transaction(async (tx) => {
    for (const d of digests) await queueEmail(tx, { kind: "digest", to: d.to, subject: d.subject, text: d.text, userId: d.userId });
  });
  return { asOf, queued: digests.length, digests: digests.map((d) => ({ userId: d.userId, to: d.to, locale: d.locale, subject: d.subject, findings: d.findings })) };
}

/**
 * The scheduler's hourly step: queues the weekly digest of every user whose own local time at
 * `now` is their digest weekday and hour (users.time_zone, digest_weekday 1–7 ISO, digest_hour
 * 0–23; weekday 0 = none), dated their local day, unless that user got a digest in the last 6
 * days (an hourly job retried, or run twice, sends nothing twice). Runs hourly on the queue's
 * cron (db/queue.ts `digest`).
 *
 * @param now the instant to schedule for (the job's start; tests pass a fixed clock)
 * @returns the users queued, by id
 */
export async function queueDueDigests(database: Database, now: Date, opts: { baseUrl?: string } = {}): Promise<string[]> {
  const due = await queryRows<{ id: string; local_day: string }>(
    database.db,
    sql`select u.id, to_char((${now.toISOString()}::timestamptz at time zone u.time_zone)::date, 'YYYY-MM-DD') as local_day
        from users u
        where u.digest_weekday between 1 and 7
          and extract(isodow from ${now.toISOString()}::timestamptz at time zone u.time_zone) = u.digest_weekday
          and extract(hour from ${now.toISOString()}::timestamptz at time zone u.time_zone) = u.digest_hour
          and not exists (select 1 from email_outbox o where o.user_id = u.id and o.kind = 'digest'
                          and o.created_at > ${now.toISOString()}::timestamptz - interval '6 days')
        order by u.id`,
  );
  const queued: string[] = [];
  // users of one local day share a build (the findings of the week up to that day)
  const byDay = new Map<string, string[]>();
  for (const d of due) byDay.set(d.local_day, [...(byDay.get(d.local_day) ?? []), d.id]);
  for (const [day, userIds] of byDay) {
    const r = await queueWeeklyDigests(database, { asOf: day, baseUrl: opts.baseUrl, userIds });
    queued.push(...r.digests.map((d) => d.userId));
  }
  return queued.sort();
}
