import { z } from "zod";
import { ForbiddenError, NotFoundError, withActorRoute } from "@/lib/auth/access";
import { offerEffects } from "@/lib/offers";

const idSchema = z.coerce.number().int().positive();

/**
 * GET /api/bank/offers/ID/effects: the bank's table "identifier, action, effect" of the offer's
 * latest measurement as CSV (bank_customer_id, variant, effect_minor, category). Bank admins
 * only (403 otherwise); 404 for an offer without a measurement.
 */
export const GET = withActorRoute(async (req, actor) => {
  if (actor.bankRole !== "bank_admin") throw new ForbiddenError();
  const id = idSchema.safeParse(new URL(req.url).pathname.split("/").at(-2));
  if (!id.success) throw new NotFoundError();
  const csv = await offerEffects(id.data);
  if (csv === null) throw new NotFoundError();
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="offer-${id.data}-effects.csv"`, "cache-control": "private, no-store" },
  });
});
