import { parseArgs, type ParseArgsConfig } from "node:util";
import { getDatabase, type Database } from "@/db/client";
import { getModelRunAttempts } from "@/lib/analytics/getModelResults";
import { formatMoney as formatMoneyIn } from "@/lib/format";
import type { ModelKind } from "@/lib/jobs/runModels";
import { findMerchantRef } from "@/lib/jobs/store";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { CliError } from "../cli-errors";

/*
 * What the CLI's commands (scripts/cli/<command>.ts) share: the command shape, the one option
 * parser, the merchant lookup, and the plain-text table and number formats of the terminal.
 */

/** Where a command writes: stdout and stderr, one line per call. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** One subcommand: its usage line and summary (the usage text prints both) and its handler. */
export interface Command {
  usage: string;
  summary: string;
  /** Runs with the arguments after the command name; throws CliError for a usage or input error. */
  run: (args: string[], io: Io) => Promise<void>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `--merchant SLUG`. */
export const MERCHANT_OPTION = { merchant: { type: "string" } } as const satisfies Options;
/** `--json`: print JSON instead of text. */
export const JSON_OPTION = { json: { type: "boolean", default: false } } as const satisfies Options;

/**
 * The one option parser of the CLI: node:util parseArgs in strict mode (no positionals, no
 * unknown options), its errors (unknown or malformed options) turned into usage errors.
 * @throws CliError (exit 2) with parseArgs' message
 */
export function parseOptions<const T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, strict: true, options }).values;
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The `--merchant` value, or a usage error.
 * @throws CliError "--merchant SLUG is required" (exit 2)
 */
export function requireMerchantSlug(slug: string | undefined): string {
  if (!slug) throw new CliError("--merchant SLUG is required");
  return slug;
}

/** The merchant by slug on the owner connection (lib/jobs/store.ts), or a usage error. */
export async function findMerchant(database: Database, slug: string): Promise<MerchantRef> {
  const m = await findMerchantRef(database, { slug });
  if (!m) throw new CliError(`unknown merchant: ${slug}`);
  return m;
}

/** Minor units → an amount in the currency's own decimals (lib/format, English for the terminal). */
export const formatMoney = (minor: number | null, currency: string) => formatMoneyIn(minor, currency, "en");

/** A number with `digits` decimals, "–" when absent. */
export const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "–" : v.toFixed(digits));

/** Rows as left-aligned columns two spaces apart (the first row is the header). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/**
 * Parses `--merchant SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--json]` and checks the period with
 * `schema` (periodSchema, or lib/privacy's whole-month/quarter/year one); usage errors otherwise.
 */
export function merchantPeriodArgs<P>(
  args: string[],
  schema: { safeParse(x: unknown): { success: true; data: P } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } },
): { merchant: string; period: P; json: boolean } {
  const v = parseOptions(args, { ...MERCHANT_OPTION, from: { type: "string" }, to: { type: "string" }, ...JSON_OPTION });
  const merchant = requireMerchantSlug(v.merchant);
  const period = schema.safeParse({ from: v.from, to: v.to });
  if (!period.success) {
    throw new CliError(`bad period: ${period.error.issues.map((i) => `${i.path.join(".") || "period"}: ${i.message}`).join("; ")}`);
  }
  return { merchant, period: period.data, json: v.json ?? false };
}

/**
 * Prints a stored run as JSON, or its `describe` lines, inside the merchant's scope; notes on
 * stderr when the latest attempt failed.
 * @throws CliError (exit 2) when no run of `kind` succeeded yet, with the latest failure's reason
 */
export async function printLatest<T>(
  merchant: MerchantRef,
  kind: ModelKind,
  read: (ctx: AnalyticsContext) => Promise<T | null>,
  describe: (run: T) => string[],
  json: boolean,
  io: Io,
) {
  const database = await getDatabase();
  const { run, attempt } = await withMerchantScope(database, merchant.id, async (tx) => ({
    run: await read({ tx, merchant }),
    attempt: (await getModelRunAttempts({ tx, merchant }))[kind],
  }));
  if (!run) {
    const why = attempt?.status === "failed" ? `; the latest run failed: ${attempt.error}` : "; run `models --merchant SLUG` first";
    throw new CliError(`no succeeded ${kind} run for ${merchant.slug} yet${why}`);
  }
  if (json) {
    io.out(JSON.stringify({ merchant: merchant.slug, ...run }, null, 2));
    return;
  }
  if (attempt?.status === "failed") io.err(`note: the latest ${kind} run (v${attempt.version}) failed: ${attempt.error}`);
  for (const line of describe(run)) io.out(line);
}
