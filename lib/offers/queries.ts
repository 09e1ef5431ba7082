import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import type { OfferAudience, OfferStatus, OfferTerms, OfferTimelineStep } from "@/db/schema";
import { merchantFilter } from "@/lib/analytics/scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import type { OfferResultDocument } from "./measureJob";
import type { OfferPreview } from "./plan";

/*
 * The merchant's side of offers, inside its scope (RLS on offers and offer_results): the list
 * (the library of past offers and their measured effects) and one offer with its latest result.
 * Aggregates only; the assignment, delivery and per-customer effects are not readable here.
 */

/** One offer as the merchant sees it. Money in minor units of `currency`. */
export interface OfferView {
  id: number;
  name: string;
  status: OfferStatus;
  audience: OfferAudience;
  audienceSize: number;
  terms: OfferTerms;
  variantB: OfferTerms | null;
  currency: string;
  startsOn: string;
  endsOn: string;
  budgetMinor: number;
  primaryMetric: "revenue" | "visits";
  holdout: number;
  preview: OfferPreview;
  timeline: OfferTimelineStep[];
  createdAt: string;
  /** The latest succeeded measurement, or null. */
  result: OfferResultDocument | null;
  resultError: string | null;
}

type Row = {
  id: number; name: string; status: OfferStatus; audience: OfferAudience; audience_size: number; terms: OfferTerms; variant_b: OfferTerms | null;
  currency: string; starts_on: string; ends_on: string; budget_minor: number; primary_metric: "revenue" | "visits"; holdout_bp: number;
  preview: OfferPreview; timeline: OfferTimelineStep[]; created_at: string; result: OfferResultDocument | null; result_error: string | null;
};

function view(r: Row): OfferView {
  return {
    id: Number(r.id),
    name: r.name,
    status: r.status,
    audience: r.audience,
    audienceSize: r.audience_size,
    terms: r.terms,
    variantB: r.variant_b,
    currency: r.currency,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    budgetMinor: Number(r.budget_minor),
    primaryMetric: r.primary_metric,
    holdout: r.holdout_bp / 10_000,
    preview: r.preview,
    timeline: r.timeline,
    createdAt: r.created_at,
    result: r.result && Object.keys(r.result).length > 0 ? r.result : null,
    resultError: r.result_error,
  };
}

const SELECT = sql`select o.id, o.name, o.status, o.audience, o.audience_size, o.terms, o.variant_b, o.currency, o.starts_on::text as starts_on,
                          o.ends_on::text as ends_on, o.budget_minor, o.primary_metric, o.holdout_bp, o.preview, o.timeline,
                          to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at,
                          (select r.result from offer_results r where r.offer_id = o.id and r.status = 'succeeded' order by r.version desc limit 1) as result,
                          (select r.error from offer_results r where r.offer_id = o.id order by r.version desc limit 1) as result_error
                   from offers o`;

/** The merchant's offers, newest first: the library of past offers with their measured effects. */
export async function listOffers(ctx: AnalyticsContext): Promise<OfferView[]> {
  const rows = await queryRows<Row>(ctx.tx, sql`${SELECT} where ${merchantFilter(ctx, "o")} order by o.created_at desc, o.id desc`);
  return rows.map(view);
}

/** One offer of this merchant, or null when it is not visible in this scope (another merchant's is a 404). */
export async function getOffer(ctx: AnalyticsContext, offerId: number): Promise<OfferView | null> {
  const [row] = await queryRows<Row>(ctx.tx, sql`${SELECT} where ${merchantFilter(ctx, "o")} and o.id = ${offerId}`);
  return row ? view(row) : null;
}
