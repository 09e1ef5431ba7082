import { endpointPath } from "@/lib/endpoints/keys";
import type { CreatedOffer } from "@/lib/offers/store";
import type { OfferPreview } from "@/lib/offers/plan";
import { ApiError } from "./api";

/*
 * Creating an offer and its preview: POST /api/m/{slug}/offers[?preview=1], the one offers route
 * that is not a view definition (the list and one offer are the `offers` and `offer` views).
 */

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = parsed && typeof parsed === "object" && "error" in parsed ? String((parsed as { error: unknown }).error) : `HTTP ${response.status}`;
    throw new ApiError(response.status, message, parsed);
  }
  return parsed;
}

/**
 * The preview of an offer (aggregates only).
 * @throws ApiError on a non-2xx answer (400 invalid offer, 403 viewer)
 */
export async function previewOffer(slug: string, body: unknown): Promise<OfferPreview & { tooSmall: boolean }> {
  return (await post(`${endpointPath("offers", slug)}?preview=1`, body)) as OfferPreview & { tooSmall: boolean };
}

/**
 * Creates the offer (frozen assignment; the bank's delivery is queued).
 * @throws ApiError on a non-2xx answer (400, 422 audience too small, 403)
 */
export async function createOffer(slug: string, body: unknown): Promise<CreatedOffer> {
  return (await post(endpointPath("offers", slug), body)) as CreatedOffer;
}
