import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/db/client";
import { INGEST_FORMATS, ingestFile, type IngestFormat, type IngestReport } from "@/lib/ingest";
import { runPendingModelJobs } from "@/lib/jobs/runModels";
import { storedReportsLine } from "@/lib/privacy/precompute";

const USAGE = `usage: npm run ingest -- --format <${INGEST_FORMATS.join("|")}> --file <path> [--json] [--no-models]

Loads one CSV (plain or .gz) into DATABASE_URL, or the embedded PGlite under .data/pglite when
unset (run npm run db:migrate first). All-or-nothing: a file with any bad row changes nothing
and the errors are listed with their line numbers. Loading the same file again adds nothing.
Formats: docs/data-format.md. Exit code 1 when the file was refused.
After a load that added transactions, the model jobs it requested (CLV, churn, segments of the
touched merchants) run right away; --no-models leaves them queued for \`npm run cli -- models --pending\`.`;

const number = (n: number) => n.toLocaleString("en-US");

/** The report for a person: figures, drops, and the first errors with their lines. */
function formatReport(r: IngestReport): string {
  const out: string[] = [];
  const seconds = r.elapsedMs / 1000;
  out.push(`${r.format}: ${r.file}`);
  out.push(`  rows read          ${number(r.rowsRead)}  (${seconds.toFixed(1)} s, ${number(Math.round(r.rowsRead / Math.max(seconds, 0.001)))} rows/s)`);
  for (const [reason, n] of Object.entries(r.dropped)) out.push(`  dropped            ${number(n)}  ${reason}`);
  if (r.ok) {
    out.push(`  inserted           ${number(r.rowsInserted)}`);
    out.push(`  already present    ${number(r.rowsAlreadyPresent)}`);
    out.push(`  merchants          ${r.merchants.join(", ") || "-"}`);
    out.push(`  batch              ${r.batchId}`);
  } else {
    out.push(`REFUSED: ${number(r.errorCount)} error(s); nothing was changed.`);
    for (const e of r.errors) out.push(`  line ${e.line}${e.column ? `, ${e.column}` : ""}: ${e.reason}`);
    if (r.errorCount > r.errors.length) out.push(`  … and ${number(r.errorCount - r.errors.length)} more`);
  }
  return out.join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      format: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
      "no-models": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.format || !values.file || !INGEST_FORMATS.includes(values.format as IngestFormat)) {
    console.error(USAGE);
    return 2;
  }
  const tty = process.stderr.isTTY === true;
  const database = await getDatabase();
  try {
    const report = await ingestFile(database, {
      format: values.format as IngestFormat,
      file: values.file,
      onProgress: tty
        ? (p) => {
            const what = p.phase === "merge" ? "merging" : "reading";
            process.stderr.write(`\r${what}: ${number(p.rows)} rows, ${number(p.rowsPerSecond)} rows/s   `);
          }
        : undefined,
    });
    if (tty) process.stderr.write("\r\x1b[K");
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    if (!report.ok) return 1;
    // Pages read stored model runs only, so the jobs this load queued run now (ARCHITECTURE: ingest -> jobs).
    if (report.rowsInserted > 0 && !values["no-models"]) {
      await runPendingModelJobs(database, {
        onMerchant: (p) => {
          const runs = p.outcomes.map((o) => `${o.kind} ${o.status}${o.error ? ` (${o.error})` : ""} ${o.seconds.toFixed(1)} s`);
          (values.json ? console.error : console.log)(`models ${p.merchantSlug ?? p.job.merchantId}: ${runs.join(", ")}`);
        },
        onCompetitorReports: (o) => (values.json ? console.error : console.log)(storedReportsLine(o)),
      });
    }
    return 0;
  } finally {
    await closeDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // drizzle wraps the driver's error ("Failed query: …"); the cause says what went wrong.
    const messages: string[] = [];
    for (let e: unknown = err; e !== undefined && messages.length < 5; e = e instanceof Error ? e.cause : undefined) {
      messages.push(e instanceof Error ? e.message : String(e));
    }
    const message = messages.join("\n  caused by: ");
    console.error(`ingest failed: ${message}`);
    if (/relation "(ingest_batches|staging_\w+|merchants)" does not exist/.test(message)) {
      console.error("hint: the database has no schema yet; run npm run db:migrate");
    }
    process.exit(1);
  },
);
