import { z } from "zod";
import { NotFoundError } from "@/lib/auth/errors";
import { getOffer, listOffers } from "@/lib/offers/queries";
import { defineEndpoint, table } from "../define";

/*
 * Offers (docs/offers.md): the library of the merchant's offers with their measured effects, and
 * one offer with its status timeline and latest result. Aggregates only (wall 3). Creating an
 * offer is the hand-written POST /api/m/{slug}/offers.
 */

/** The merchant's offers, newest first: the library of past offers and their measured effects. */
export const offers = defineEndpoint({
  name: "offers",
  feature: "campaigns",
  query: z.object({}),
  summary: "Offers",
  description:
    "The merchant's offers (test & learn), newest first: audience, terms, window, status and, once measured, the incremental revenue per variant with its 95 % interval (CUPED), the cashback paid and the ROI. Money in minor units. Never identities.",
  load: (access) => access.run((ctx) => listOffers(ctx)),
  tables: (data) => [
    table(
      "offers",
      data.flatMap((o) =>
        (o.result?.variants ?? [null]).map((v) => ({ o, v })),
      ),
      [
        { header: "offerId", type: "integer", value: (r) => r.o.id },
        { header: "name", type: "text", value: (r) => r.o.name },
        { header: "status", type: "text", value: (r) => r.o.status },
        { header: "startsOn", type: "date", value: (r) => r.o.startsOn },
        { header: "endsOn", type: "date", value: (r) => r.o.endsOn },
        { header: "audienceSize", type: "integer", value: (r) => r.o.audienceSize },
        { header: "variant", type: "text", value: (r) => (r.v ? (r.v.arm === 1 ? "A" : "B") : null) },
        { header: "incrementalRevenue", type: "money", value: (r) => (r.v ? Math.round(r.v.revenue.total) : null) },
        { header: "incrementalRevenueLower", type: "money", value: (r) => (r.v ? Math.round(r.v.revenue.totalCi.lower) : null) },
        { header: "incrementalRevenueUpper", type: "money", value: (r) => (r.v ? Math.round(r.v.revenue.totalCi.upper) : null) },
        { header: "cost", type: "money", value: (r) => (r.v ? r.v.costMinor : null) },
        { header: "roi", type: "percent", value: (r) => r.v?.roi?.estimate ?? null },
      ],
    ),
  ],
});

/** One offer with its timeline and latest result; 404 when it is unknown or another merchant's (RLS). */
export const offer = defineEndpoint({
  name: "offer",
  feature: "campaigns",
  query: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe("The offer's id (from `offers`).") }),
  summary: "Offer result",
  description:
    "One offer: terms, audience size, status timeline, the preview shown at creation and, once measured, per variant the incremental revenue and visits with 95 % intervals (CUPED, Deng et al. 2013, with the plain difference beside it), cost, ROI, effects by segment (cells under 5 customers suppressed) and the share of persuadables. 404 when the offer is not this merchant's.",
  load: async (access, { id }) => {
    const view = await access.run((ctx) => getOffer(ctx, id));
    if (!view) throw new NotFoundError();
    return view;
  },
});
