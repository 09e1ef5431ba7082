import { closeDatabase } from "@/db/client";
import { CliError, reportCliError } from "../cli-errors";
import { benchmarksCommand } from "./benchmarks";
import { campaignCommand } from "./campaign";
import { churnCommand } from "./churn";
import { competitorReportsCommand } from "./competitor-reports";
import { digestCommand } from "./digest";
import { findingsCommand } from "./findings";
import { forecastCommand } from "./forecast";
import { ltvCommand } from "./ltv";
import { merchantsCommand } from "./merchants";
import { metricsCommand } from "./metrics";
import { modelsCommand } from "./models";
import { offersCommand } from "./offers";
import { planCommand } from "./plan";
import { segmentsCommand } from "./segments";
import { sweepCommand } from "./sweep";
import type { Command, Io } from "./shared";

/*
 * The analysts' CLI: `npm run cli -- <command> [options]`, one file per command in scripts/cli/.
 * Reads the same library functions the pages use, on DATABASE_URL (PostgreSQL) or the embedded
 * PGlite (PGLITE_DIR, else .data/pglite). Merchant-level figures run inside withMerchantScope,
 * exactly as a page would; only the merchant lookup and the bank-wide merchant list use the
 * owner connection.
 *
 * Exit codes: 0 ok, 2 usage or input error (unknown command, merchant or bad dates), 3 the
 * merchant's plan does not include the command's feature (lib/billing), 1 other.
 * To add a command, add its file and an entry to COMMANDS.
 */

/** command name → handler, in the order the usage text lists them; add new subcommands here. */
export const COMMANDS: Record<string, Command> = {
  metrics: metricsCommand,
  merchants: merchantsCommand,
  models: modelsCommand,
  ltv: ltvCommand,
  churn: churnCommand,
  segments: segmentsCommand,
  campaign: campaignCommand,
  offers: offersCommand,
  plan: planCommand,
  benchmarks: benchmarksCommand,
  "competitor-reports": competitorReportsCommand,
  forecast: forecastCommand,
  findings: findingsCommand,
  digest: digestCommand,
  sweep: sweepCommand,
};

function usage(): string {
  return [
    "usage: npm run cli -- <command> [options]",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(72)} ${c.summary}`),
  ].join("\n");
}

/**
 * Runs one CLI invocation and returns its exit code; always closes the database. Every failure of
 * every command ends in the one error mapping, reportCliError (`error: …` on stderr; exit 2 for
 * usage or input, 3 for a plan or permission refusal, 1 otherwise).
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "help" || name === "--help" || name === "-h") {
      (name ? io.out : io.err)(usage());
      return name ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) throw new CliError(`unknown command: ${name}\n${usage()}`);
    await command.run(rest, io);
    return 0;
  } catch (err) {
    return reportCliError(err, io.err);
  } finally {
    await closeDatabase();
  }
}
