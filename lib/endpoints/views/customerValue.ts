import { z } from "zod";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint } from "../define";

/** Customer value: the latest CLV run (MBG/NBD + Gamma-Gamma) and the latest attempt; run null before the first. */
export const customerValue = defineEndpoint({
  name: "customer-value",
  feature: "value",
  query: z.object({}),
  summary: "Customer value (CLV)",
  description:
    "The latest succeeded customer-lifetime-value run (MBG/NBD purchase model and Gamma-Gamma spend model: parameters, fit quality, CLV distribution, the expected number of customers buying again within 12 months, P(alive) by recency and frequency) and the latest attempt, succeeded or failed. `run` is null before the first run. Models are fitted after each data load, not per request.",
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: (access) => loadModelRunPage(access, "clv"),
});
