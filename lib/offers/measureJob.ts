import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { AppError } from "@/lib/errors";
import { fitUpliftModel, type UpliftModel } from "./learn";
import { customerEffects, measureOffer, type OfferMeasurement } from "./measure";
import { advanceOffer } from "./store";
import { loadUnits, type OfferRow } from "./units";
import { refreshWinBack, staleWinBackMerchants } from "./winback";
import { notifyOfferResult } from "@/lib/jobs/alerts";
import { findMerchantRef } from "@/lib/jobs/store";

/*
 * Measuring an offer after its window (docs/offers.md, "Measurement"), on the owner connection:
 * the offer's units (./units.ts), then the pure measurement (./measure.ts). The result and the bank's per-customer table are stored in one transaction;
 * the offer's status becomes "measured" (or "failed" with the error).
 */

/** Version of the stored result document; raise it when its shape changes. */
const OFFER_RESULT_FORMAT = 1;

/** A stored result document (offer_results.result): aggregates only, what the merchant sees. */
export interface OfferResultDocument extends OfferMeasurement {
  format: typeof OFFER_RESULT_FORMAT;
  primaryMetric: "revenue" | "visits";
  window: { startsOn: string; endsOn: string; preDays: number };
  /** The stratified T-learner fitted on this offer (./learn.ts): what the win-back queue ranks with. */
  uplift: UpliftModel;
}

/** The offer's window has not ended yet (409, code "window_open"). */
class WindowOpenError extends AppError {
  constructor(endsOn: string) {
    super("window_open", 409, `the offer's window ends on ${endsOn}; it is measured after that`, { endsOn });
  }
}

const EFFECT_CHUNK = 5000;
const RESULT_LOCK_KEY = 0x6f66;

/**
 * Measures one offer and stores the result (version = previous + 1) and the bank's
 * "identifier, action, effect" table in one transaction; then, when it succeeded, notifies the
 * merchant's subscribed users that the results are ready (lib/jobs/alerts.ts notifyOfferResult:
 * plan-gated like alerts, in each user's language).
 * @param opts.force measure even though the window has not ended (the CLI's --force; tests)
 * @param opts.notify the clock the plan is judged at and the links' origin (tests)
 * @throws WindowOpenError before the window's end (merchant-local day); Error for an unknown offer
 * @returns the stored result's id and status
 */
export async function measureAndStoreOffer(
  database: Database,
  offerId: number,
  opts: { force?: boolean; notify?: { now?: Date; baseUrl?: string } } = {},
): Promise<{ resultId: number; status: "succeeded" | "failed"; error: string | null }> {
  const [o] = await queryRows<OfferRow>(
    database.db,
    sql`select o.id, o.merchant_id, o.starts_on::text as starts_on, o.ends_on::text as ends_on, o.pre_days, o.primary_metric, o.terms, o.variant_b,
               o.ends_on <= (now() at time zone m.time_zone)::date as ended
        from offers o join merchants m on m.id = o.merchant_id where o.id = ${offerId}`,
  );
  if (!o) throw new Error(`offer measurement: no offer ${offerId}`);
  if (!o.ended && !opts.force) throw new WindowOpenError(o.ends_on);
  let doc: OfferResultDocument | null = null;
  let effects: ReturnType<typeof customerEffects> = [];
  let error: string | null = null;
  try {
    const units = await loadUnits(database, o);
    const measured = measureOffer(units);
    const windowDays = Math.round((Date.parse(`${o.ends_on}T00:00:00Z`) - Date.parse(`${o.starts_on}T00:00:00Z`)) / 86_400_000);
    doc = {
      format: OFFER_RESULT_FORMAT,
      primaryMetric: o.primary_metric,
      window: { startsOn: o.starts_on, endsOn: o.ends_on, preDays: o.pre_days },
      ...measured,
      uplift: fitUpliftModel(units, windowDays, o.pre_days),
    };
    effects = customerEffects(units, measured);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const stored = await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${RESULT_LOCK_KEY}::int, ${offerId}::int)`);
    const [{ v }] = await queryRows<{ v: number }>(tx, sql`select coalesce(max(version), 0)::int + 1 as v from offer_results where offer_id = ${offerId}`);
    const status: "succeeded" | "failed" = doc ? "succeeded" : "failed";
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into offer_results (offer_id, merchant_id, version, status, result, error)
          values (${offerId}, ${o.merchant_id}, ${v}, ${status}, ${JSON.stringify(doc ?? {})}::jsonb, ${error}) returning id`,
    );
    for (let s = 0; s < effects.length; s += EFFECT_CHUNK) {
      const chunk = effects.slice(s, s + EFFECT_CHUNK).map((e) => ({ c: e.customerId, a: e.arm, e: e.effectMinor, k: e.category }));
      await tx.execute(sql`
        insert into offer_effects (result_id, merchant_id, customer_id, arm, effect_minor, category)
        select ${row.id}, ${o.merchant_id}, x.c, x.a, x.e, x.k from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(c bigint, a smallint, e bigint, k text)`);
    }
    await advanceOffer(tx, offerId, doc ? "measured" : "failed");
    return { resultId: Number(row.id), version: v, status, error };
  });
  // "Results ready" (lib/jobs/alerts.ts): after the commit, so a notification never announces a
  // result that rolled back; idempotent per result version.
  if (doc && doc.variants.length > 0) {
    const a = doc.variants[0];
    const [info] = await queryRows<{ name: string; currency: string }>(database.db, sql`select name, currency from offers where id = ${offerId}`);
    await notifyOfferResult(
      database,
      o.merchant_id,
      { offerId, offerName: info.name, revenueMinor: a.revenue.total, lowerMinor: a.revenue.totalCi.lower, upperMinor: a.revenue.totalCi.upper, roi: a.roi?.estimate ?? null },
      stored.version,
      info.currency,
      opts.notify,
    );
  }
  return { resultId: stored.resultId, status: stored.status, error: stored.error };
}

/**
 * The worker's `offer-measure` handler: `{ offerId }` measures that offer once (skipped when a
 * succeeded result exists); `{}` (the hourly schedule) measures every delivered offer whose window
 * has ended in its merchant's time zone and that has no result yet. Then, either way, it
 * recomputes the win-back curve (./winback.ts) of every merchant whose curve is out of date (a
 * newer churn run, or an offer measured since: its own or a pool's).
 * @returns the offers measured and the merchants whose curve was recomputed (ids)
 */
export async function offerMeasureJob(database: Database, data: Record<string, unknown>): Promise<object> {
  const ids =
    data.offerId !== undefined
      ? [Number(data.offerId)]
      : (
          await queryRows<{ id: number }>(
            database.db,
            sql`select o.id from offers o join merchants m on m.id = o.merchant_id
                where o.status = 'delivered' and o.ends_on <= (now() at time zone m.time_zone)::date
                  and not exists (select 1 from offer_results r where r.offer_id = o.id)
                order by o.id`,
          )
        ).map((r) => Number(r.id));
  const measured: number[] = [];
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`offer-measure: invalid offer id ${String(data.offerId)}`);
    const [done] = await queryRows<{ id: number }>(database.db, sql`select id from offer_results where offer_id = ${id} and status = 'succeeded' limit 1`);
    if (done) continue;
    await measureAndStoreOffer(database, id);
    measured.push(id);
  }
  const learned: number[] = [];
  for (const merchantId of await staleWinBackMerchants(database.db)) {
    const merchant = await findMerchantRef(database, { id: merchantId });
    if (!merchant) continue;
    await refreshWinBack(database, merchant);
    learned.push(merchantId);
  }
  return { measured, learned };
}
