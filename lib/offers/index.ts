/*
 * Offers: test & learn (docs/offers.md, docs/adr/0018-offers.md). Creation, assignment and
 * delivery on the owner connection after the caller's access check; measurement in the worker;
 * the merchant reads aggregates through ./queries.ts inside its scope.
 */
export { createOffer, previewOfferRequest, offerInputSchema, type CreatedOffer, type OfferInput } from "./store";
export { buildDelivery, deliveryCsv, offerDeliveryJob, offerEffectsCsv, OFFER_DELIVERY_FORMAT, type OfferDeliveryDocument } from "./delivery";
export { measureAndStoreOffer, offerMeasureJob, type OfferResultDocument } from "./measureJob";
