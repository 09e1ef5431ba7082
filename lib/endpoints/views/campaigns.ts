import { z } from "zod";
import { NotFoundError } from "@/lib/auth/errors";
import { getCampaignReport, listCampaigns } from "@/lib/campaigns/queries";
import { defineEndpoint, table } from "../define";

/** Campaigns: the merchant's uploaded campaigns, newest first. (Uploading stays a hand-written POST route.) */
export const campaigns = defineEndpoint({
  name: "campaigns",
  feature: "campaigns",
  query: z.object({}),
  summary: "Campaigns",
  description: "The merchant's uploaded campaigns, newest first: name, file, rows, unknown customers, the treated actions and the status of the latest uplift report.",
  load: (access) => access.run((ctx) => listCampaigns(ctx)),
  tables: (data) => [
    table("campaigns", data, [
      { header: "campaignId", type: "integer", value: (r) => r.id },
      { header: "name", type: "text", value: (r) => r.name },
      { header: "fileName", type: "text", value: (r) => r.fileName },
      { header: "rows", type: "integer", value: (r) => r.rows },
      { header: "unknownCustomers", type: "integer", value: (r) => r.unknownCustomers },
      { header: "actions", type: "text", value: (r) => r.actions.join("; ") },
      { header: "createdAt", type: "text", value: (r) => r.createdAt },
      { header: "reportStatus", type: "text", value: (r) => r.reportStatus },
    ]),
  ],
});

/** One campaign's latest uplift report; 404 when the campaign is unknown or another merchant's (RLS). */
export const campaignReport = defineEndpoint({
  name: "campaign-report",
  feature: "campaigns",
  query: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe("The campaign's id (from `campaigns`).") }),
  summary: "Campaign uplift report",
  description:
    "The latest uplift report of one campaign: per action the treatment and control groups, the average treatment effect with its confidence interval, Qini and AUUC. 404 when the campaign is not this merchant's. The per-customer table (identifier, action, effect) is a streamed CSV at /api/m/{slug}/campaigns/{id}/effects.",
  load: async (access, { id }) => {
    const view = await access.run((ctx) => getCampaignReport(ctx, id));
    if (!view) throw new NotFoundError();
    return view;
  },
});
