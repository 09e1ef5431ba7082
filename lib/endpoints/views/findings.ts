import { z } from "zod";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint } from "../define";

/** Findings: the latest findings run (ranked findings with their numbers) and the latest attempt. */
export const findings = defineEndpoint({
  name: "findings",
  feature: "findings",
  query: z.object({}),
  summary: "Findings",
  description:
    "The latest succeeded findings run: automatic findings from changes in the metrics, per segment, ranked by money impact, stored as codes and numbers (the UI renders the words), and the latest attempt. `run` is null before the first run.",
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: (access) => loadModelRunPage(access, "findings"),
});
