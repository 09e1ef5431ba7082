import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database, type Executor } from "@/db/client";
import { QUEUES } from "@/db/queue";
import type { OfferAudience, OfferTerms } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { sendJob } from "@/lib/jobs/outbox";
import { MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";
import { assignArms } from "./assign";
import { selectAudience, type AudienceMember } from "./audience";
import { DEFAULT_HOLDOUT, previewOffer, type OfferPreview } from "./plan";

/*
 * Creating an offer (docs/offers.md): validate, select the audience as of the window's first day,
 * preview it, assign it (frozen, seeded, stratified; lib/offers/assign.ts) and store the offer and
 * its assignment in ONE transaction that also queues the bank's delivery (`offer-delivery` job,
 * transactional enqueue as in docs/adr/0017-job-queue.md). Owner connection, after the caller's
 * access check (docs/adr/0004-campaigns.md's split, ADR 0018).
 */

/** The smallest audience an offer may have (docs/privacy.md: campaigns analyse at least 10 customers). */
const MIN_AUDIENCE = 10;
/** The longest offer window, days. */
const MAX_WINDOW_DAYS = 92;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z.string().regex(DAY, "a day YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "a real calendar day");

const terms = z
  .object({
    kind: z.enum(["cashback", "bonus"]),
    rateBp: z.number().int().min(1).max(5000).nullable().default(null),
    bonusMinor: z.number().int().positive().max(10_000_000_00).nullable().default(null),
    capMinor: z.number().int().positive().max(10_000_000_00),
  })
  .strict()
  .refine((t) => (t.kind === "cashback" ? t.rateBp !== null && t.bonusMinor === null : t.bonusMinor !== null && t.rateBp === null), {
    message: "cashback needs rateBp (basis points) and no bonusMinor; a bonus needs bonusMinor and no rateBp",
  })
  .refine((t) => t.kind !== "bonus" || (t.bonusMinor ?? 0) <= t.capMinor, { message: "the bonus exceeds the cap" });

const audience = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("lapsed"), minDays: z.number().int().min(1).max(730), maxDays: z.number().int().min(1).max(730) }).strict(),
  z.object({ kind: z.literal("regulars"), minPurchases: z.number().int().min(1).max(1000) }).strict(),
  z.object({ kind: z.literal("active"), withinDays: z.number().int().min(1).max(730) }).strict(),
  z.object({ kind: z.literal("all") }).strict(),
]);

/** What a merchant (or the bank for it) asks for. Money in minor units of the merchant's currency. */
const offerInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    audience,
    terms,
    variantB: terms.nullable().default(null),
    startsOn: day,
    endsOn: day,
    budgetMinor: z.number().int().positive().max(1e15),
    primaryMetric: z.enum(["revenue", "visits"]),
    /** Holdout share; default 15 % (DEFAULT_HOLDOUT). */
    holdout: z.number().min(0.05).max(0.5).default(DEFAULT_HOLDOUT),
    preDays: z.number().int().min(28).max(730).default(180),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict()
  .refine((o) => o.endsOn > o.startsOn, { message: "the window must end after it starts", path: ["endsOn"] })
  .refine((o) => o.audience.kind !== "lapsed" || o.audience.minDays <= o.audience.maxDays, { message: "minDays must not exceed maxDays", path: ["audience"] });

/** A validated offer request. */
type OfferInput = z.infer<typeof offerInputSchema>;

/** Invalid offer request (400, code "invalid_offer"). */
class InvalidOfferError extends AppError {
  constructor(message: string) {
    super("invalid_offer", 400, message);
  }
}

/** The audience is too small to assign and measure without singling anyone out (422, code "audience_too_small"). */
class AudienceTooSmallError extends AppError {
  constructor(message: string) {
    super("audience_too_small", 422, message, { minAudience: MIN_AUDIENCE });
  }
}

function parseInput(raw: unknown): OfferInput {
  const parsed = offerInputSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InvalidOfferError(`${first.path.join(".") || "offer"}: ${first.message}`);
  }
  return parsed.data;
}

function windowDays(o: Pick<OfferInput, "startsOn" | "endsOn">): number {
  return Math.round((Date.parse(`${o.endsOn}T00:00:00Z`) - Date.parse(`${o.startsOn}T00:00:00Z`)) / 86_400_000);
}

/** The merchant's last day with data (null: none): an offer's window must start after it, so its outcome is not yet observed. */
async function lastDataDay(executor: Executor, merchantId: number): Promise<string | null> {
  const [r] = await queryRows<{ d: string | null }>(executor, sql`select max(day)::text as d from merchant_daily where merchant_id = ${merchantId}`);
  return r?.d ?? null;
}

/** Relative revenue effects of the merchant's measured offers (the preview's prior). */
async function historyLifts(executor: Executor, merchantId: number): Promise<number[]> {
  const rows = await queryRows<{ lift: number | null }>(
    executor,
    sql`select (v->'revenue'->>'perCustomer')::float8 / nullif((v->'revenue'->>'controlMean')::float8, 0) as lift
        from offer_results r cross join lateral jsonb_array_elements(r.result->'variants') v
        where r.merchant_id = ${merchantId} and r.status = 'succeeded'
          and r.version = (select max(version) from offer_results x where x.offer_id = r.offer_id and x.status = 'succeeded')`,
  );
  return rows.map((r) => r.lift).filter((x): x is number => x !== null && Number.isFinite(x));
}

async function checkedAudience(database: Database, merchantId: number, o: OfferInput): Promise<{ members: AudienceMember[]; preview: OfferPreview }> {
  const windowLength = windowDays(o);
  if (windowLength > MAX_WINDOW_DAYS) throw new InvalidOfferError(`the window is ${windowLength} days; at most ${MAX_WINDOW_DAYS}`);
  const last = await lastDataDay(database.db, merchantId);
  if (last === null) throw new InvalidOfferError("this merchant has no purchases yet");
  if (o.startsOn <= last) throw new InvalidOfferError(`the window must start after the last day with data (${last})`);
  const members = await selectAudience(database.db, merchantId, o.audience as OfferAudience, o.startsOn, o.preDays);
  const preview = previewOffer(members, windowLength, o.preDays, o.holdout, await historyLifts(database.db, merchantId));
  return { members, preview };
}

/**
 * The preview of an offer without creating it: audience size (or "fewer than 10"), expected
 * responders and incremental revenue, the planner's holdouts. Aggregates only.
 * @throws InvalidOfferError on invalid input
 */
export async function previewOfferRequest(database: Database, merchantId: number, raw: unknown): Promise<OfferPreview & { tooSmall: boolean }> {
  const o = parseInput(raw);
  const { preview } = await checkedAudience(database, merchantId, o);
  if (preview.audienceSize < MIN_AUDIENCE) {
    return { ...previewOffer([], windowDays(o), o.preDays, o.holdout, []), tooSmall: true };
  }
  return { ...preview, tooSmall: false };
}

/** A created offer. */
export interface CreatedOffer {
  offerId: number;
  audienceSize: number;
  arms: { holdout: number; a: number; b: number };
  preview: OfferPreview;
}

const ASSIGN_CHUNK = 5000;

/**
 * Creates an offer: validates, selects and previews the audience, assigns it, and stores the
 * offer, its frozen assignment and the delivery job in one transaction.
 *
 * @param raw the request (validated here with {@link offerInputSchema})
 * @throws InvalidOfferError on invalid input, a window that starts before the data ends or is too
 *   long, or a budget below cap × treated customers (the bank could be asked to pay more);
 *   AudienceTooSmallError when the audience has < 10 customers or an arm < 5. Nothing is written then.
 */
export async function createOffer(database: Database, merchantId: number, raw: unknown): Promise<CreatedOffer> {
  const o = parseInput(raw);
  const { members, preview } = await checkedAudience(database, merchantId, o);
  if (members.length < MIN_AUDIENCE) throw new AudienceTooSmallError(`the audience has fewer than ${MIN_AUDIENCE} customers`);
  const seed = o.seed ?? Math.floor(Math.random() * 0xffffffff);
  const variants = o.variantB ? 2 : 1;
  const assigned = assignArms(members, o.holdout, variants, seed);
  const count = (arm: number) => assigned.filter((a) => a.arm === arm).length;
  const arms = { holdout: count(0), a: count(1), b: count(2) };
  if (arms.holdout < MIN_CELL_CUSTOMERS || arms.a < MIN_CELL_CUSTOMERS || (variants === 2 && arms.b < MIN_CELL_CUSTOMERS)) {
    throw new AudienceTooSmallError(`every arm needs at least ${MIN_CELL_CUSTOMERS} customers`);
  }
  const maxCost = o.terms.capMinor * arms.a + (o.variantB?.capMinor ?? 0) * arms.b;
  if (maxCost > o.budgetMinor) {
    throw new InvalidOfferError(`the budget ${o.budgetMinor} is below the most the offer can cost (cap × treated customers = ${maxCost})`);
  }
  const [m] = await queryRows<{ currency: string }>(database.db, sql`select currency from merchants where id = ${merchantId}`);
  const now = new Date().toISOString();
  return database.db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into offers (merchant_id, name, status, audience, audience_size, terms, variant_b, currency, starts_on, ends_on, budget_minor,
                              primary_metric, holdout_bp, seed, pre_days, preview, timeline)
          values (${merchantId}, ${o.name}, 'assigned', ${JSON.stringify(o.audience)}::jsonb, ${members.length}, ${JSON.stringify(o.terms as OfferTerms)}::jsonb,
                  ${o.variantB ? JSON.stringify(o.variantB) : null}::jsonb, ${m.currency}, ${o.startsOn}, ${o.endsOn}, ${o.budgetMinor},
                  ${o.primaryMetric}, ${Math.round(o.holdout * 10_000)}, ${seed}, ${o.preDays}, ${JSON.stringify(preview)}::jsonb,
                  ${JSON.stringify([{ status: "assigned", at: now }])}::jsonb)
          returning id`,
    );
    for (let s = 0; s < assigned.length; s += ASSIGN_CHUNK) {
      const chunk = assigned.slice(s, s + ASSIGN_CHUNK).map((a) => ({ c: a.customerId, a: a.arm, s: a.stratum }));
      await tx.execute(sql`
        insert into offer_assignments (offer_id, merchant_id, customer_id, arm, stratum)
        select ${row.id}, ${merchantId}, x.c, x.a, x.s from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(c bigint, a smallint, s text)`);
    }
    await sendJob(tx, QUEUES.offerDelivery, { offerId: row.id }, String(row.id));
    return { offerId: Number(row.id), audienceSize: members.length, arms, preview };
  });
}

/** Appends a step to an offer's timeline and sets its status (inside the caller's transaction). */
export async function advanceOffer(executor: Executor, offerId: number, status: "delivered" | "measured" | "failed"): Promise<void> {
  await executor.execute(sql`
    update offers set status = ${status},
      timeline = timeline || jsonb_build_array(jsonb_build_object('status', ${status}::text, 'at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
    where id = ${offerId}`);
}
