/*
 * Offers: test & learn (docs/offers.md, docs/adr/0018-offers.md). Creation, assignment and
 * delivery on the owner connection after the caller's access check; measurement in the worker;
 * the merchant reads aggregates through ./queries.ts inside its scope.
 */
import { getDatabase } from "@/db/client";
import { buildDelivery, offerEffectsCsv, type OfferDeliveryDocument } from "./delivery";
import { createOffer, previewOfferRequest, type CreatedOffer } from "./store";
import type { OfferPreview } from "./plan";

export { createOffer, previewOfferRequest, type CreatedOffer } from "./store";
export { deliveryCsv, offerDeliveryJob, type OfferDeliveryDocument } from "./delivery";
export { measureAndStoreOffer, offerMeasureJob } from "./measureJob";

/*
 * Entry points for the routes (app/ never imports db): the process database, the merchant id
 * taken from the route wrapper's resolved access, never from the request.
 */

/** {@link createOffer} on the process database, for an authorized merchant. */
export async function createOfferForMerchant(merchantId: number, body: unknown): Promise<CreatedOffer> {
  return createOffer(await getDatabase(), merchantId, body);
}

/** {@link previewOfferRequest} on the process database, for an authorized merchant. */
export async function previewOfferForMerchant(merchantId: number, body: unknown): Promise<OfferPreview & { tooSmall: boolean }> {
  return previewOfferRequest(await getDatabase(), merchantId, body);
}

/** The delivery document of an offer (bank admins only: the caller checks). */
export async function offerDelivery(offerId: number): Promise<OfferDeliveryDocument> {
  return buildDelivery(await getDatabase(), offerId);
}

/** The bank's effects CSV of an offer, or null (bank admins only: the caller checks). */
export async function offerEffects(offerId: number): Promise<string | null> {
  return offerEffectsCsv(await getDatabase(), offerId);
}