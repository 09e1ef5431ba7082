import { assertRole, withMerchantRoute } from "@/lib/auth/access";
import { endpointRoute, privateJson } from "@/lib/endpoints/route";
import { offers } from "@/lib/endpoints/views/offers";
import { readJsonBody } from "@/lib/http";
import { createOfferForMerchant, previewOfferForMerchant } from "@/lib/offers";

/** GET: the offers view (the static offers/ folder shadows /api/m/{slug}/[view], so it names its definition). */
export const GET = endpointRoute(offers);

/**
 * POST ?preview=1: the preview of an offer (audience size, expected responders and incremental
 * revenue, the planner's holdouts; aggregates only, "fewer than 10" below the minimum audience).
 * POST: creates it (frozen assignment, delivery queued) and answers its id, audience size and arm
 * sizes. The body is lib/offers' offerInputSchema (docs/offers.md). 400 invalid_offer, 422
 * audience_too_small (nothing written), 403 for viewers.
 */
export const POST = withMerchantRoute(async (req, access) => {
  assertRole(access, ["bank_admin", "relationship_manager", "merchant_owner"]);
  const body = await readJsonBody(req);
  if (new URL(req.url).searchParams.get("preview") === "1") return privateJson(await previewOfferForMerchant(access.merchant.id, body));
  return privateJson(await createOfferForMerchant(access.merchant.id, body));
}, { feature: "campaigns" });
