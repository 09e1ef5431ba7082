import { z } from "zod";
import { ForbiddenError, NotFoundError, withActorRoute } from "@/lib/auth/access";
import { deliveryCsv, offerDelivery } from "@/lib/offers";

const idSchema = z.coerce.number().int().positive();

/**
 * GET /api/bank/offers/ID/delivery[?format=json|csv]: the treatment list of an offer for the
 * bank's offer channel (docs/offers.md, "Delivery": bank customer ids, variant, terms, window;
 * format offer-delivery/1). Bank admins only (403 for anyone else, merchants included: identities
 * never reach the merchant); 404 for an unknown offer.
 */
export const GET = withActorRoute(async (req, actor) => {
  if (actor.bankRole !== "bank_admin") throw new ForbiddenError();
  const url = new URL(req.url);
  const id = idSchema.safeParse(url.pathname.split("/").at(-2));
  if (!id.success) throw new NotFoundError();
  const doc = await offerDelivery(id.data);
  const headers = { "cache-control": "private, no-store" };
  if (url.searchParams.get("format") === "csv") {
    return new Response(deliveryCsv(doc), {
      headers: { ...headers, "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="offer-${id.data}-delivery.csv"` },
    });
  }
  return Response.json(doc, { headers });
});
