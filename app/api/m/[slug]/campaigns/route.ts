import { z } from "zod";
import { assertRole, withMerchantRoute } from "@/lib/auth/access";
import { importUploadedCampaign, UploadTooLargeError } from "@/lib/campaigns";
import { endpointRoute, privateJson, queryObject } from "@/lib/endpoints/route";
import { campaigns } from "@/lib/endpoints/views/campaigns";

/** GET: the campaigns view (the static campaigns/ folder shadows /api/m/{slug}/[view], so it names its definition). */
export const GET = endpointRoute(campaigns);

const uploadQuery = z.object({
  fileName: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  format: z.enum(["campaign", "hillstrom"]).default("campaign"),
  windowDays: z.coerce.number().int().min(1).max(366).optional(),
});

/**
 * POST: a campaign file as the raw request body (CSV or gzip; the browser sends the File, so
 * its upload progress is observable), ?fileName=…&name=…&format=…&windowDays=…. Streams the body
 * to the importer (lib/campaigns importUploadedCampaign: temp file, validation, one merge) and
 * queues the report of a new campaign (`reportQueued`; the worker computes it, the report page
 * shows progress). 200 with the import report (ok or not; a rejected file
 * is a report with errors, not an HTTP error), 413 past the size limit, 403 for viewers.
 */
export const POST = withMerchantRoute(async (req, access) => {
  assertRole(access, ["bank_admin", "relationship_manager", "merchant_owner"]);
  const q = uploadQuery.parse(queryObject(req));
  if (!req.body) return Response.json({ error: "empty body" }, { status: 400, headers: { "cache-control": "private, no-store" } });
  try {
    const result = await importUploadedCampaign(access, req.body, q);
    return privateJson({
      import: result.import,
      reportQueued: result.reportQueued,
    });
  } catch (err) {
    if (err instanceof UploadTooLargeError) return Response.json({ error: err.message }, { status: 413 });
    throw err;
  }
}, { feature: "campaigns" });
