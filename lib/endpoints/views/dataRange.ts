import { z } from "zod";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { defineEndpoint } from "../define";

/** The first and last local day with data (the period picker's default). */
export const dataRange = defineEndpoint({
  name: "data-range",
  feature: null,
  query: z.object({}),
  cache: "rollups",
  summary: "Data range",
  description: "The first and the last local calendar day with transactions ({ firstDay, lastDay }, null without data): the bounds for every period query.",
  load: (access) => access.run((ctx) => getDataRange(ctx)),
});
