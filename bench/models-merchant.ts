/*
 * Benchmark: one worker process's model jobs for a few named merchants, family by family (issue
 * 17's "under 2 s per merchant"; docs/performance.md, "Model jobs after the shared pooled
 * reads"). Runs runMerchantModels for each slug in turn in this process, as the worker does (one
 * process, one segment cache: the first member of a segment pays for reading its peers), and
 * prints each family's seconds. For a CPU profile:
 *   node --cpu-prof --cpu-prof-dir .data/prof --import tsx bench/models-merchant.ts --url URL --slugs msk-grocery-1
 *
 *   npx tsx bench/models-merchant.ts --url postgres://…/db --slugs msk-grocery-1,msk-grocery-2 [--kinds churn,clv] [--repeat 2]
 *
 * It stores runs (new versions) in the database: never point it at a database whose runs matter.
 */
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { MODEL_KINDS, type ModelKind } from "@/db/schema/models";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { segmentRowCache } from "@/lib/privacy/segmentCache";
import { findMerchantRef } from "@/lib/jobs/store";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: "string" }, slugs: { type: "string" }, kinds: { type: "string" }, repeat: { type: "string", default: "1" } },
  });
  const url = values.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error("--url (or DATABASE_URL) is required");
  if (!values.slugs) throw new Error("--slugs a,b,… is required");
  const kinds = values.kinds ? (values.kinds.split(",") as ModelKind[]) : [...MODEL_KINDS];
  for (const k of kinds) if (!(MODEL_KINDS as readonly string[]).includes(k)) throw new Error(`--kinds: unknown kind ${k}`);
  const repeat = Number(values.repeat);
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat: a whole number ≥ 1, got ${values.repeat}`);
  const database = await openDatabase({ url });
  try {
    for (let pass = 1; pass <= repeat; pass++) {
      for (const slug of values.slugs.split(",")) {
        const merchant = await findMerchantRef(database, { slug });
        if (!merchant) throw new Error(`unknown merchant ${slug}`);
        const started = performance.now();
        const outcomes = await runMerchantModels(database, merchant.id, { kinds });
        const seconds = (performance.now() - started) / 1000;
        const families = outcomes.map((o) => `${o.kind} ${o.seconds.toFixed(2)}${o.status === "failed" ? ` (failed: ${o.error})` : ""}`).join(", ");
        console.log(`pass ${pass} ${slug}: ${seconds.toFixed(2)} s — ${families}; cache hits ${segmentRowCache.stats.hits}, misses ${segmentRowCache.stats.misses}`);
      }
    }
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
