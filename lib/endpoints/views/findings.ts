import { z } from "zod";
import { getFindingsResults } from "@/lib/analytics/getForecastFindings";
import { getModelRunAttempts } from "@/lib/analytics/getModelResults";
import { defineEndpoint } from "../define";

/** Findings: the latest findings run (ranked findings with their numbers) and the latest attempt. */
export const findings = defineEndpoint({
  name: "findings",
  feature: "findings",
  query: z.object({}),
  summary: "Findings",
  description:
    "The latest succeeded findings run: automatic findings from changes in the metrics, per segment, ranked by money impact, stored as codes and numbers (the UI renders the words), and the latest attempt. `run` is null before the first run.",
  load: (access) =>
    access.run(async (ctx) => {
      const run = await getFindingsResults(ctx);
      const attempts = await getModelRunAttempts(ctx);
      return { run, latestAttempt: attempts.findings };
    }),
});
