import { z } from "zod";
import { NotFoundError, withMerchantRoute } from "@/lib/auth/access";
import { getCampaignReport } from "@/lib/campaigns/queries";
import { privateJson } from "../../query";

const idSchema = z.coerce.number().int().positive();

/** GET: the latest report of one campaign; 404 when it is not this merchant's (RLS) or unknown. */
export const GET = withMerchantRoute<{ slug: string; id: string }>(async (_req, access, params) => {
  const id = idSchema.safeParse(params.id);
  if (!id.success) throw new NotFoundError();
  const view = await access.run((ctx) => getCampaignReport(ctx, id.data));
  if (!view) throw new NotFoundError();
  return privateJson(view);
}, { feature: "campaigns" });
