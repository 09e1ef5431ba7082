import { z } from "zod";
import { NotFoundError, withMerchantRoute } from "@/lib/auth/access";
import { EFFECTS_CSV_HEADER, effectsCsvLines, getCampaignReport, getEffectsPage } from "@/lib/campaigns/queries";

const idSchema = z.coerce.number().int().positive();
const PAGE = 20_000;

/**
 * GET: the table "identifier, action, effect" of the campaign's latest report as CSV
 * (customer_id, action, effect in probability points, recommended 1/0, category), streamed in
 * pages of 20,000 customers, each read in its own merchant-scoped transaction.
 */
export const GET = withMerchantRoute<{ slug: string; id: string }>(async (_req, access, params) => {
  const id = idSchema.safeParse(params.id);
  if (!id.success) throw new NotFoundError();
  const view = await access.run((ctx) => getCampaignReport(ctx, id.data));
  if (!view?.report || view.reportId === null) throw new NotFoundError();
  const reportId = view.reportId;
  const actions = view.report.actions.map((a) => a.action);
  let after: string | null = null;
  let done = false;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(EFFECTS_CSV_HEADER));
    },
    async pull(controller) {
      if (done) return controller.close();
      const page = await access.run((ctx) => getEffectsPage(ctx, reportId, after, PAGE));
      if (page.length < PAGE) done = true;
      if (page.length > 0) {
        after = page[page.length - 1].customerRef;
        controller.enqueue(encoder.encode(effectsCsvLines(page, actions)));
      } else controller.close();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="campaign-${id.data}-effects.csv"`,
      "cache-control": "private, no-store",
    },
  });
}, { feature: "exports" });
